package io.lakemirror.testserver.model;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * lakeFS's commit cache (pkg/graveler/ref/manager.go GetCommit): entries keyed by repository <em>name</em> and
 * commit ID, set on a successful read and kept until they expire, never refreshed. Because the key is the name, a
 * repository deleted and created again under it still finds the commits of its predecessor that were read lately.
 */
public final class CommitCache {
    /** No cache: every read goes to the repository. */
    public static final CommitCache NONE = new CommitCache(null, Duration.ZERO);

    private record Cached(CommitRecord commit, Instant expires) {
    }

    private final Clock clock;
    private final Duration expiry;
    private final ConcurrentHashMap<String, Cached> entries = new ConcurrentHashMap<>();

    public CommitCache(Clock clock, Duration expiry) {
        this.clock = clock;
        this.expiry = expiry;
    }

    /** The cached record of {@code commit} under {@code repository}'s name, or {@code load}'s, cached when found. */
    public Optional<CommitRecord> read(RepositoryId repository, CommitId commit, Supplier<Optional<CommitRecord>> load) {
        if (clock == null) {
            return load.get();
        }
        String key = repository.value() + ":" + commit.value();
        Instant now = clock.instant();
        Cached cached = entries.get(key);
        if (cached != null && now.isBefore(cached.expires())) {
            return Optional.of(cached.commit());
        }
        Optional<CommitRecord> loaded = load.get();
        loaded.ifPresent(c -> entries.put(key, new Cached(c, now.plus(expiry))));
        return loaded;
    }
}
