package io.lakemirror.promoter;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.store.BranchRepairWriter;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.SensorBranchState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's repair of one mirror branch's pipeline state ({@code bin/replication repair},
 * docs/operations.md, "Repairing a branch"): puts the destination's branch state back in line with
 * what the source sensor recorded, so the pipeline admits the source's head again by its usual path.
 *
 * <p>The sensor's sequence for the branch is the truth: it alone hands sequences out. A validated or
 * promoted sequence above it was never sensed (a forged or corrupted message), and freezes the
 * branch for good, since every write downstream is conditional on a newer sequence. The repair
 * lowers such a sequence to just below the sensor's, keeping the head the mirror branch really has;
 * clears the errors and an expired lease; and, when the sensor's head is not validated, records it as
 * waiting, with its commit record read from the source and hash-checked, so that the validator's
 * re-check pass checks its files and admits it. It never writes to the mirror repository: the branch
 * moves only through validation (every metadata file present) and promotion, to the head the sensor
 * recorded, so a repair can neither point a branch at an incomplete commit nor move it to a commit
 * the source branch never had. It refuses to act while a promoter holds the branch, and its write is
 * conditional on the state it planned from.
 */
public final class BranchRepair {
    private static final Logger LOG = LoggerFactory.getLogger(BranchRepair.class);

    private final Region region;
    private final BranchRepairWriter db;
    private final Refstore refstore;
    private final LakeFs mirrorLakeFs;
    private final Function<Region, LakeFs> sourceLakeFs;
    private final Clock clock;

    /**
     * @param region       this region; only mirrors whose repository is here are repaired
     * @param sourceLakeFs the lakeFS of a source region
     */
    public BranchRepair(Region region, BranchRepairWriter db, Refstore refstore, LakeFs mirrorLakeFs,
                        Function<Region, LakeFs> sourceLakeFs, Clock clock) {
        this.region = Objects.requireNonNull(region, "region");
        this.db = Objects.requireNonNull(db, "db");
        this.refstore = Objects.requireNonNull(refstore, "refstore");
        this.mirrorLakeFs = Objects.requireNonNull(mirrorLakeFs, "mirrorLakeFs");
        this.sourceLakeFs = Objects.requireNonNull(sourceLakeFs, "sourceLakeFs");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What a repair of one branch finds and would write.
     *
     * @param sensed     the sensor's record of the branch (the truth the repair follows), if any
     * @param sourceHead the source branch's head now, when the source lakeFS answered
     * @param mirrorHead the mirror branch's head now; empty when it does not exist
     * @param before     the branch state as read
     * @param after      the branch state the repair writes
     * @param headRecord the sensed head's record, read from the source and hash-checked, that the refstore lacks
     *                   (or holds a copy of that does not hash to its ID); stored before the state is written
     * @param notes      what the repair found, one finding a line, for the operator
     */
    public record Plan(MirrorSpec spec, BranchId branch, Optional<SensorBranchState> sensed,
                       Optional<Optional<CommitId>> sourceHead, Optional<CommitId> mirrorHead, BranchState before,
                       BranchState after, Optional<CommitRecord> headRecord, List<String> notes) {
        public Plan {
            notes = List.copyOf(notes);
        }

        /** Whether the repair writes anything. */
        public boolean changes() {
            return !before.equals(after) || headRecord.isPresent();
        }
    }

    /** The mirror of this region named {@code mirror}, by mirror ID or by the mirror repository's name. */
    public MirrorSpec find(String mirror) {
        Optional<MirrorRecord> byId = MirrorId.RULE.accepts(mirror) ? db.getMirror(MirrorId.of(mirror)) : Optional.empty();
        if (byId.isPresent()) {
            return byId.get().spec();
        }
        Optional<MirrorId> byName = io.lakemirror.domain.RepositoryId.RULE.accepts(mirror)
                ? db.findByName(region, io.lakemirror.domain.RepositoryId.of(mirror)) : Optional.empty();
        return byName.flatMap(db::getMirror).map(MirrorRecord::spec).orElseThrow(() -> new NotFoundException(
                "no mirror with ID or repository name \"" + mirror + "\" in region " + region
                        + "; list mirrors with GET /repositories/{source}/mirrors; nothing was changed"));
    }

    /** Reads everything and computes the repair; writes nothing. */
    public Plan plan(MirrorSpec spec, BranchId branch) {
        if (!spec.destinationRegion().equals(region)) {
            throw new InvalidInputException("mirror " + spec.id() + " (" + spec.name() + ") is repaired in its destination"
                    + " region " + spec.destinationRegion() + ", not in " + region + "; run the command there");
        }
        List<String> notes = new ArrayList<>();
        Instant now = clock.instant();
        Optional<SensorBranchState> sensed = db.getSensorBranchState(spec.id(), branch);
        Optional<Optional<CommitId>> sourceHead = sourceHead(spec, branch, notes);
        Optional<CommitId> mirrorHead = head(mirrorLakeFs, spec.name(), branch);
        BranchState before = db.getBranchState(spec.id(), branch).orElse(BranchState.empty(spec.id(), branch));
        before.promotion().filter(l -> l.until().isAfter(now)).ifPresent(l -> notes.add("promoter " + l.owner()
                + " holds the branch until " + l.until() + " (sequence " + l.sequence() + "): nothing can be changed"
                + " before then"));
        if (sensed.isEmpty()) {
            notes.add("the source sensor has recorded nothing for this branch: only errors and an expired lease are"
                    + " cleared");
            return new Plan(spec, branch, sensed, sourceHead, mirrorHead, before, cleared(before, before.validated(),
                    before.waiting(), before.promoted(), now), Optional.empty(), notes);
        }
        SensorBranchState truth = sensed.get();
        long s = truth.sequence();
        sourceHead.filter(h -> !h.equals(truth.head())).ifPresent(h -> notes.add("the source branch is now at "
                + h.map(CommitId::value).orElse("(deleted)") + ", not at sequence " + s + "'s head: the sensor"
                + " announces it as the next sequence"));
        boolean forged = before.validatedSequence() > s || before.promotedSequence() > s;
        Optional<BranchState.Validated> validated = before.validated();
        Optional<BranchState.Promoted> promoted = before.promoted();
        if (forged) {
            notes.add("validated sequence " + before.validatedSequence() + " / promoted sequence "
                    + before.promotedSequence() + " exceed the sensor's sequence " + s + ": never sensed, they block"
                    + " every newer sequence; lowered");
            boolean atTruth = mirrorHead.equals(truth.head());
            long base = before.promotedSequence() <= s ? before.promotedSequence() : atTruth ? s : s - 1;
            promoted = before.promotedSequence() <= s ? before.promoted() : base == 0 ? Optional.empty()
                    : Optional.of(new BranchState.Promoted(base, mirrorHead, now,
                            Math.min(before.promoted().map(BranchState.Promoted::commitsSent).orElse(0L),
                                    truth.commitsSent())));
            validated = promoted.map(p -> new BranchState.Validated(p.sequence(), p.head(), truth.sensedAt(), now,
                    p.commitsSent()));
        }
        long validatedSequence = validated.map(BranchState.Validated::sequence).orElse(0L);
        Optional<BranchState.Waiting> waiting = before.waiting()
                .filter(w -> w.sequence() > validatedSequence && w.sequence() <= s);
        Optional<CommitRecord> headRecord = Optional.empty();
        if (validatedSequence < s) {
            if (truth.head().isPresent()) {
                CommitId head = truth.head().get();
                headRecord = missingHeadRecord(spec, head, notes);
                if (waiting.isEmpty() || waiting.get().sequence() != s || !waiting.get().head().equals(head)) {
                    waiting = Optional.of(new BranchState.Waiting(s, head, List.of(), now, now, 0));
                }
                notes.add("sequence " + s + " (head " + head + ") is not validated: recorded as waiting, so the"
                        + " validator's re-check pass checks its files and admits it");
            } else {
                notes.add("sequence " + s + " (a deletion) is not validated: the validator's re-check pass admits a"
                        + " deletion from the sensor's record");
            }
        }
        Optional<CommitId> promotedHead = promoted.flatMap(BranchState.Promoted::head);
        mirrorHead.filter(h -> promotedHead.map(p -> !p.equals(h)).orElse(false))
                .ifPresent(h -> notes.add("the mirror branch is at " + h + ", not at its promoted head: the promoter's"
                        + " anti-entropy pass puts it back"));
        return new Plan(spec, branch, sensed, sourceHead, mirrorHead, before, cleared(before, validated, waiting,
                promoted, now), headRecord, notes);
    }

    /**
     * Plans and writes the repair.
     *
     * @throws StaleWriteException when a promoter holds the branch or the state changed meanwhile; run again
     */
    public Plan repair(MirrorSpec spec, BranchId branch) {
        Plan plan = plan(spec, branch);
        if (!plan.changes()) {
            return plan;
        }
        plan.headRecord().ifPresent(record -> {
            refstore.evictCommits(spec.id(), List.of(record.id()));
            refstore.putCommits(spec.id(), List.of(record));
        });
        if (!plan.before().equals(plan.after()) && !db.resetBranchState(plan.before(), plan.after(), clock.instant())) {
            throw new StaleWriteException("the pipeline state of " + spec.name() + "/" + branch + " changed while the"
                    + " repair was planned, or a promoter holds the branch; nothing was changed; run the command again");
        }
        LOG.info("repaired the pipeline state of {}/{} (mirror {}): validated {} → {}, promoted {} → {}, waiting {} → {}",
                spec.name(), branch, spec.id(), plan.before().validatedSequence(), plan.after().validatedSequence(),
                plan.before().promotedSequence(), plan.after().promotedSequence(),
                plan.before().waiting().map(BranchState.Waiting::sequence).map(String::valueOf).orElse("none"),
                plan.after().waiting().map(BranchState.Waiting::sequence).map(String::valueOf).orElse("none"));
        return plan;
    }

    /** The state to write: the given progress, no errors, and the lease only while it is unexpired. */
    private static BranchState cleared(BranchState before, Optional<BranchState.Validated> validated,
                                       Optional<BranchState.Waiting> waiting, Optional<BranchState.Promoted> promoted,
                                       Instant now) {
        return new BranchState(before.mirrorId(), before.branch(), validated, waiting, Optional.empty(), promoted,
                before.promotion().filter(l -> l.until().isAfter(now)), Optional.empty());
    }

    private Optional<Optional<CommitId>> sourceHead(MirrorSpec spec, BranchId branch, List<String> notes) {
        try {
            return Optional.of(head(sourceLakeFs.apply(spec.sourceRegion()), spec.sourceRepository(), branch));
        } catch (ReplicationException e) {
            notes.add("the source lakeFS did not answer (" + e.getMessage() + "): the sensor's record is used as it is");
            return Optional.empty();
        }
    }

    private static Optional<CommitId> head(LakeFs lakeFs, io.lakemirror.domain.RepositoryId repository, BranchId branch) {
        try {
            return Optional.of(lakeFs.getBranch(repository, branch).commitId());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The source's hash-checked record of {@code head} when the refstore lacks a record that hashes to
     * its ID (the re-check pass reads the head's record from the refstore); empty when it has one.
     */
    private Optional<CommitRecord> missingHeadRecord(MirrorSpec spec, CommitId head, List<String> notes) {
        Refstore.StoredCommit stored = refstore.getCommits(spec.id(), List.of(head)).get(head);
        if (stored != null && CommitIds.of(stored.commit()).equals(head)) {
            return Optional.empty();
        }
        CommitRecord fetched;
        try {
            fetched = sourceLakeFs.apply(spec.sourceRegion()).getCommit(spec.sourceRepository(), head.asRef());
        } catch (ReplicationException e) {
            notes.add("the head's commit record could not be read from the source (" + e.getMessage() + "): the"
                    + " re-check pass waits for its message to store it");
            return Optional.empty();
        }
        if (!CommitIds.of(fetched).equals(head) || !fetched.id().equals(head)) {
            throw new CorruptDataException("commit " + head + " read from source repository " + spec.sourceRepository()
                    + " hashes to " + CommitIds.of(fetched) + "; nothing was changed");
        }
        notes.add(stored == null ? "the head's commit record is stored from the source (hash-checked)"
                : "the refstore's record of " + head + " does not hash to its ID: replaced by the source's (hash-checked)");
        return Optional.of(fetched);
    }
}
