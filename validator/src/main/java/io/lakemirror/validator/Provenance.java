package io.lakemirror.validator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorsReader;
import java.time.Duration;
import java.util.List;

/**
 * Confirms that a head the sensor state cannot vouch for (a message of a sequence older than the
 * sensor's latest) is the source's own commit. First the sensor's sent-commit set of the mirror: the
 * sensor records only commits it read from the source's log, so a head it sent is the source's
 * (one read of the mirrors database, the usual case). Otherwise the source lakeFS must return the
 * same record, field by field. A correctly hashed commit that the source never had is thereby
 * rejected. Confirmations are remembered for a while (commit records never change), so a redelivery
 * costs nothing.
 */
final class Provenance {
    private static final int REMEMBERED = 10_000;

    private final MirrorsReader mirrors;
    private final SourceCommits source;
    private final Cache<Key, Boolean> confirmed = Caffeine.newBuilder().maximumSize(REMEMBERED)
            .expireAfterWrite(Duration.ofHours(1)).build();

    private record Key(MirrorId mirror, CommitId commit) {
    }

    Provenance(MirrorsReader mirrors, SourceCommits source) {
        this.mirrors = mirrors;
        this.source = source;
    }

    /**
     * Returns when the source repository of {@code mirror} has {@code head} exactly as given.
     *
     * @throws RejectedException                        when the source lacks it or has another record under its ID
     * @throws io.lakemirror.domain.RetryableException when the source lakeFS cannot answer now
     */
    void confirm(MirrorSpec mirror, CommitRecord head) {
        Key key = new Key(mirror.id(), head.id());
        if (confirmed.getIfPresent(key) != null) {
            return;
        }
        if (mirrors.findSentCommits(mirror.id(), List.of(head.id())).contains(head.id())) {
            confirmed.put(key, Boolean.TRUE);
            return;
        }
        String where = "head " + head.id() + " of " + mirror.sourceRepository() + "@" + mirror.sourceRegion();
        CommitRecord atSource;
        try {
            atSource = source.read(mirror, head.id());
        } catch (NotFoundException e) {
            throw new RejectedException(Outcome.PoisonKind.FORGED_HEAD, where + " is not on the source lakeFS ("
                    + e.getMessage() + "): the message names a commit the source never had, so it is not admitted", e);
        }
        if (!atSource.equals(head)) {
            throw new RejectedException(Outcome.PoisonKind.FORGED_HEAD, where + ": the source's record differs from"
                    + " the message's (" + atSource + " at the source), so it is not admitted");
        }
        confirmed.put(key, Boolean.TRUE);
    }
}
