package io.lakemirror.lakefs.fake;

import io.lakemirror.domain.MetaRangeId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a test commit on {@link FakeLakeFs} should contain. Unset fields take the fake's defaults:
 * the fake's clock (whole seconds), a fresh metarange ID, and the current user as committer.
 */
public record CommitSpec(String message, Map<String, String> metadata, Optional<Instant> date,
                         Optional<MetaRangeId> metaRangeId, Optional<String> committer) {

    public CommitSpec {
        Objects.requireNonNull(message, "message");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(metaRangeId, "metaRangeId");
        Objects.requireNonNull(committer, "committer");
    }

    public static CommitSpec message(String message) {
        return new CommitSpec(message, Map.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public CommitSpec metadata(Map<String, String> values) {
        return new CommitSpec(message, values, date, metaRangeId, committer);
    }

    /** Overrides the creation date (lakeFS's {@code date} parameter); the fraction of a second is dropped. */
    public CommitSpec date(Instant at) {
        return new CommitSpec(message, metadata, Optional.of(at), metaRangeId, committer);
    }

    public CommitSpec metaRangeId(MetaRangeId id) {
        return new CommitSpec(message, metadata, date, Optional.of(id), committer);
    }

    public CommitSpec committer(String name) {
        return new CommitSpec(message, metadata, date, metaRangeId, Optional.of(name));
    }
}
