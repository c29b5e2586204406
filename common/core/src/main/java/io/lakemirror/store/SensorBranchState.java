package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the source sensor last announced for one branch of one mirror. Written only by the sensor
 * of the source region, with a condition on {@code sequence}, so two sensors never hand out the
 * same sequence number for different heads.
 *
 * <p>The sensor first records a new sequence with {@code sent = false}, then sends its batches,
 * then sets {@code sent = true}; a sensor that finds {@code sent = false} resends exactly that
 * sequence, so a crash between the two steps neither loses nor changes a sequence.
 *
 * @param sequence      monotonic per (mirror, branch); each new head or deletion takes the next one
 * @param head          the source head of this sequence; empty when the source branch was deleted
 * @param sensedAt      when the sensor first saw this head (the start of this head's lag)
 * @param sent          whether every batch of this sequence was sent
 * @param commitsSent   cumulative count of commit records sent for this branch, for "commits behind"
 */
public record SensorBranchState(MirrorId mirrorId, BranchId branch, long sequence, Optional<CommitId> head,
                                Instant sensedAt, boolean sent, long commitsSent) {

    public SensorBranchState {
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(sensedAt, "sensedAt");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, got " + sequence);
        }
    }

    public boolean isDeletion() {
        return head.isEmpty();
    }
}
