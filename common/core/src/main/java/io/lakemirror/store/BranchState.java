package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The destination's progress on one branch of one mirror. Written only in the destination region:
 * the validator owns {@code validated}, {@code waiting} and {@code validatorError}; the promoter
 * owns {@code promoted}, {@code promotion} and {@code promoterError}. Every write is conditional on
 * the sequence numbers assigned by the sensor, never on clocks, so a stale or duplicated event
 * cannot move a branch backwards.
 */
public record BranchState(MirrorId mirrorId, BranchId branch, Optional<Validated> validated,
                          Optional<Waiting> waiting, Optional<ErrorInfo> validatorError,
                          Optional<Promoted> promoted, Optional<PromotionLease> promotion,
                          Optional<ErrorInfo> promoterError) {

    public BranchState {
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(validated, "validated");
        Objects.requireNonNull(waiting, "waiting");
        Objects.requireNonNull(validatorError, "validatorError");
        Objects.requireNonNull(promoted, "promoted");
        Objects.requireNonNull(promotion, "promotion");
        Objects.requireNonNull(promoterError, "promoterError");
    }

    public static BranchState empty(MirrorId mirrorId, BranchId branch) {
        return new BranchState(mirrorId, branch, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public long validatedSequence() {
        return validated.map(Validated::sequence).orElse(0L);
    }

    public long promotedSequence() {
        return promoted.map(Promoted::sequence).orElse(0L);
    }

    /** Whether the validator admitted a sequence the promoter has not applied yet. */
    public boolean needsPromotion() {
        return validatedSequence() > promotedSequence();
    }

    /**
     * A sequence whose target head has every metadata file in the destination namespace.
     *
     * @param head        the validated head; empty for a deletion of the source branch
     * @param sensedAt    when the source sensor first saw this head
     * @param commitsSent the sensor's cumulative commit count at this sequence
     */
    public record Validated(long sequence, Optional<CommitId> head, Instant sensedAt, Instant validatedAt,
                            long commitsSent) {
        public Validated {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(sensedAt, "sensedAt");
            Objects.requireNonNull(validatedAt, "validatedAt");
        }
    }

    /**
     * A sequence still waiting for files, for the status API.
     *
     * @param missing the first few bucket keys not yet present
     */
    public record Waiting(long sequence, CommitId head, List<String> missing, Instant since, Instant lastCheckAt,
                          int checks) {
        public Waiting {
            Objects.requireNonNull(head, "head");
            missing = List.copyOf(missing);
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(lastCheckAt, "lastCheckAt");
        }
    }

    /** A sequence applied to the mirror repository. */
    public record Promoted(long sequence, Optional<CommitId> head, Instant promotedAt, long commitsSent) {
        public Promoted {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(promotedAt, "promotedAt");
        }
    }

    /**
     * A promoter's exclusive claim on applying {@code sequence}, so that two promoters never move the
     * same mirror branch at once (docs/design/pipeline.md, "Fenced promotions").
     *
     * <p>Expiry is not judged on wall clocks, which may differ between hosts: {@code version} is a
     * random token that changes on every claim and renewal, and another process may take the lease
     * only after it has seen the same version unchanged for a whole lease duration on its own
     * monotonic clock (the claim then names the lease it saw, see
     * {@link PromotedStateWriter#claimPromotion}). The holder stops calling lakeFS a margin before a
     * lease duration has passed, on its monotonic clock, since it sent the claim.
     *
     * @param until   the holder's wall-clock estimate of the lease's end, for people and the status
     *                API only; no decision about who holds the lease compares it with another clock
     * @param version changes on every claim and renewal; items written before it existed read as
     *                {@code owner@until} (see {@link #legacyVersion}), which also changed on each renewal
     */
    public record PromotionLease(long sequence, String owner, Instant until, String version) {
        public PromotionLease {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(version, "version");
        }

        /** A new claim or renewal, with a fresh random version. */
        public PromotionLease(long sequence, String owner, Instant until) {
            this(sequence, owner, until, java.util.UUID.randomUUID().toString());
        }

        /** The version of a lease stored without one (before versions existed): stable for as long as the item is unchanged. */
        public static String legacyVersion(String owner, Instant until) {
            return owner + "@" + until;
        }
    }

    /** The last failure of a worker on this branch, cleared by its next success. */
    public record ErrorInfo(String message, Instant at) {
        public ErrorInfo {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(at, "at");
        }
    }
}
