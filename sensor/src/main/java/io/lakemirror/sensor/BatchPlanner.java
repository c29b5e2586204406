package io.lakemirror.sensor;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.store.MirrorSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Splits one sequence into {@link CommitsDetected} batches that each encode to at most
 * {@code maxMessageBytes}, keeping the order of the commits it is given across batches. The last
 * batch carries the head's record in {@code head_commit} when the head is not among its own commits
 * (pipeline.md, "Sensor", step 5). A commit too large for a message of its own travels by claim check: its ID is
 * listed in {@code claim_checked} of the batch where it would have been, and the validator reads it
 * from the source lakeFS (step 6).
 *
 * <p>A plan depends only on its inputs, so planning the same sequence again gives the same batches
 * and the same deduplication IDs. Stateless and thread-safe.
 */
final class BatchPlanner {
    /** A claim-checked ID in the JSON array: 64 hex digits, quotes and a comma. */
    private static final int CLAIM_CHECK_BYTES = 64 + 2 + 1;

    private final int maxMessageBytes;

    BatchPlanner(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** What every batch of one sequence repeats. */
    record Sequence(OrganizationId organization, MirrorSpec mirror, BranchId branch, long number,
                    Optional<CommitId> head, Instant sensedAt, long commitsSent) {
        Sequence {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(mirror, "mirror");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(sensedAt, "sensedAt");
        }

        CommitsDetected batch(int batch, boolean last, List<CommitRecord> commits, Optional<CommitRecord> headCommit,
                              List<CommitId> claimChecked) {
            return new CommitsDetected(organization, mirror.id(), mirror.sourceRepository(), mirror.sourceRegion(),
                    mirror.destinationRegion(), branch, number, batch, last, head, sensedAt, commitsSent, commits,
                    headCommit, claimChecked);
        }
    }

    private static final class Batch {
        final List<CommitRecord> commits = new ArrayList<>();
        final List<CommitId> claimChecked = new ArrayList<>();
        int size;

        Batch(int size) {
            this.size = size;
        }

        boolean isEmpty() {
            return commits.isEmpty() && claimChecked.isEmpty();
        }
    }

    /** The single message of a deletion. */
    List<Planned> deletion(Sequence sequence) {
        if (sequence.head().isPresent()) {
            throw new IllegalArgumentException("sequence " + sequence.number() + " has a head; it is not a deletion");
        }
        return List.of(checked(sequence.batch(0, true, List.of(), Optional.empty(), List.of())));
    }

    /**
     * The batches of a sequence with a head.
     *
     * @param commits    what the mirror lacks, parents first
     * @param headRecord the head's record
     */
    List<Planned> plan(Sequence sequence, List<CommitRecord> commits, CommitRecord headRecord) {
        List<Planned> out = new ArrayList<>();
        Stream stream = stream(sequence, out::add);
        commits.forEach(stream::add);
        out.addAll(stream.finish(headRecord));
        return out;
    }

    /**
     * A plan built commit by commit, for a history too long to hold (docs/design/pipeline.md,
     * "Sensor", long histories): every batch but the last goes to {@code full} as soon as the next
     * commit does not fit it, so only one batch is held at a time. The same commits in the same order
     * give the same batches as {@link #plan}.
     */
    Stream stream(Sequence sequence, Consumer<Planned> full) {
        if (sequence.head().isEmpty()) {
            throw new IllegalArgumentException("sequence " + sequence.number() + " has no head; plan its deletion");
        }
        return new Stream(sequence, full);
    }

    /** One sequence being planned; not thread-safe. */
    final class Stream {
        private final Sequence sequence;
        private final Consumer<Planned> full;
        private final int base;
        private Batch current;
        private int index;
        private boolean headInCurrent;
        private long commits;

        private Stream(Sequence sequence, Consumer<Planned> full) {
            this.sequence = sequence;
            this.full = full;
            // An upper bound of the fixed part: the widest batch number and "false" rather than "true".
            this.base = CommitsDetectedCodec.encodedSize(sequence.batch(Integer.MAX_VALUE, false, List.of(),
                    Optional.empty(), List.of()));
            this.current = new Batch(base);
        }

        /** Adds the next commit; a batch it does not fit is finished and handed on. */
        void add(CommitRecord c) {
            commits++;
            int size = CommitsDetectedCodec.encodedSize(c);
            boolean claimCheck = base + size > maxMessageBytes;
            int needed = claimCheck ? CLAIM_CHECK_BYTES : size;
            if (current.size + needed > maxMessageBytes && !current.isEmpty()) {
                next();
            }
            if (claimCheck) {
                current.claimChecked.add(c.id());
            } else {
                current.commits.add(c);
            }
            current.size += needed;
            headInCurrent |= c.id().equals(sequence.head().get());
        }

        /** Commits added so far. */
        long commits() {
            return commits;
        }

        /**
         * The last batch or two: the last carries {@code headRecord} in {@code head_commit} unless the
         * head is among its own commits (or by claim check when the record is too large).
         */
        List<Planned> finish(CommitRecord headRecord) {
            if (!headRecord.id().equals(sequence.head().get())) {
                throw new IllegalArgumentException("head record " + headRecord.id() + " is not the head of sequence "
                        + sequence.number() + " (" + sequence.head() + ")");
            }
            List<Planned> out = new ArrayList<>();
            Optional<CommitRecord> headCommit = Optional.empty();
            if (!headInCurrent) {
                int size = CommitsDetectedCodec.encodedSize(headRecord);
                if (base + size > maxMessageBytes) {
                    if (current.size + CLAIM_CHECK_BYTES > maxMessageBytes) {
                        out.add(planned(current, false, Optional.empty()));
                        current = new Batch(base);
                    }
                    current.claimChecked.add(headRecord.id());
                } else {
                    if (current.size + size > maxMessageBytes) {
                        out.add(planned(current, false, Optional.empty()));
                        current = new Batch(base);
                    }
                    headCommit = Optional.of(headRecord);
                }
            }
            out.add(planned(current, true, headCommit));
            return out;
        }

        private void next() {
            full.accept(planned(current, false, Optional.empty()));
            current = new Batch(base);
            headInCurrent = false;
        }

        private Planned planned(Batch b, boolean last, Optional<CommitRecord> headCommit) {
            return checked(sequence.batch(index++, last, b.commits, headCommit, b.claimChecked));
        }
    }

    /** A batch and its encoded body, which is what the queue gets. */
    record Planned(CommitsDetected message, String body) {
    }

    private Planned checked(CommitsDetected message) {
        String body = CommitsDetectedCodec.encode(message);
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxMessageBytes) {
            throw new IllegalStateException(message + " encodes to " + size + " bytes, over the planned limit of "
                    + maxMessageBytes + ": the size estimate is wrong");
        }
        return new Planned(message, body);
    }
}
