package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * <p>{@code unpromoted} (added by issue 19; adapters store it as a list of {@code (sequence,
 * sensed_at)} pairs and return it as written, an empty list for items written before it existed)
 * lets readers measure a branch's lag from its <em>oldest</em> unpromoted sequence, which only the
 * sensor ever saw the time of: see {@link #sensedAtOrBefore(long)}.
 *
 * @param sequence      monotonic per (mirror, branch); each new head or deletion takes the next one
 * @param head          the source head of this sequence; empty when the source branch was deleted
 * @param sensedAt      when the sensor first saw this head (the start of this head's lag)
 * @param sent          whether every batch of this sequence was sent
 * @param commitsSent   cumulative count of commit records sent for this branch, for "commits behind"
 * @param unpromoted    when earlier sequences of this branch were sensed, oldest first, as far as they
 *                      were not known promoted when this state was written: the first names a sequence
 *                      at or before the oldest unpromoted one, the others the newest ones, at most
 *                      {@link #MAX_UNPROMOTED} in all; this sequence itself is not repeated in it
 */
public record SensorBranchState(MirrorId mirrorId, BranchId branch, long sequence, Optional<CommitId> head,
                                Instant sensedAt, boolean sent, long commitsSent, List<Sensed> unpromoted) {

    /** How many earlier sequences {@code unpromoted} keeps at most. */
    public static final int MAX_UNPROMOTED = 16;

    public SensorBranchState {
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(sensedAt, "sensedAt");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, got " + sequence);
        }
        unpromoted = List.copyOf(unpromoted);
        long previous = 0;
        for (Sensed s : unpromoted) {
            if (s.sequence() <= previous || s.sequence() >= sequence) {
                throw new IllegalArgumentException("unpromoted sequences must increase and stay below " + sequence
                        + ", got " + unpromoted);
            }
            previous = s.sequence();
        }
        if (unpromoted.size() > MAX_UNPROMOTED) {
            throw new IllegalArgumentException("at most " + MAX_UNPROMOTED + " unpromoted sequences, got "
                    + unpromoted.size());
        }
    }

    /** A state without earlier sequences (the first of a branch, or one that is all promoted). */
    public SensorBranchState(MirrorId mirrorId, BranchId branch, long sequence, Optional<CommitId> head,
                             Instant sensedAt, boolean sent, long commitsSent) {
        this(mirrorId, branch, sequence, head, sensedAt, sent, commitsSent, List.of());
    }

    /** When one sequence of this branch was sensed. */
    public record Sensed(long sequence, Instant at) {
        public Sensed {
            Objects.requireNonNull(at, "at");
        }
    }

    public boolean isDeletion() {
        return head.isEmpty();
    }

    /** This state with {@code sent} set. */
    public SensorBranchState asSent() {
        return new SensorBranchState(mirrorId, branch, sequence, head, sensedAt, true, commitsSent, unpromoted);
    }

    /**
     * When the latest sequence at or before {@code sequence} was sensed, as far as this state
     * remembers: an instant no later than when {@code sequence} itself was sensed, so a lag measured
     * from it is never too small. Empty when this state knows nothing that old (a state written
     * before {@code unpromoted} existed).
     */
    public Optional<Instant> sensedAtOrBefore(long sequence) {
        if (sequence >= this.sequence) {
            return Optional.of(sensedAt);
        }
        Optional<Instant> best = Optional.empty();
        for (Sensed s : unpromoted) {
            if (s.sequence() <= sequence) {
                best = Optional.of(s.at());
            }
        }
        return best;
    }

    /**
     * The {@code unpromoted} list of the sequence after this one: this state's list and this
     * sequence, without what {@code promotedSequence} (the destination's promoted sequence, as the
     * sensor reads it) shows to be promoted, keeping the latest entry at or before the first
     * unpromoted sequence and the newest others up to {@link #MAX_UNPROMOTED}.
     */
    public List<Sensed> unpromotedAfter(long promotedSequence) {
        if (promotedSequence >= sequence) {
            return List.of();
        }
        List<Sensed> all = new ArrayList<>(unpromoted);
        all.add(new Sensed(sequence, sensedAt));
        long firstUnpromoted = promotedSequence + 1;
        int start = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).sequence() <= firstUnpromoted) {
                start = i;
            }
        }
        List<Sensed> kept = all.subList(start, all.size());
        if (kept.size() <= MAX_UNPROMOTED) {
            return List.copyOf(kept);
        }
        List<Sensed> bounded = new ArrayList<>(MAX_UNPROMOTED);
        bounded.add(kept.get(0));
        bounded.addAll(kept.subList(kept.size() - (MAX_UNPROMOTED - 1), kept.size()));
        return List.copyOf(bounded);
    }
}
