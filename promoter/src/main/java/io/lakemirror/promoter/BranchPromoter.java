package io.lakemirror.promoter;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.PromotedStateWriter;
import io.lakemirror.store.Refstore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a validated sequence of one mirror branch to the mirror repository: copies the commit
 * records it lacks (parents first), then creates, hard-resets or deletes the branch, then records
 * the promoted sequence.
 *
 * <p>Only the holder of the branch's promotion lease moves the branch, and it stops before the
 * lease lapses, so two promoters never move one branch at once and a slow promoter never moves a
 * branch back after a newer sequence was applied.
 */
public final class BranchPromoter {
    private static final Logger LOG = LoggerFactory.getLogger(BranchPromoter.class);
    private static final int MARK_EVERY = 100;

    /** What a promotion attempt did. */
    public enum Outcome {
        /** Nothing to do: promoted already, or not validated. */
        UP_TO_DATE,
        /** The sequence was applied. */
        PROMOTED,
        /** The mirror is not ready (not ACTIVE yet, or being deleted); try again later. */
        MIRROR_NOT_READY,
        /** Another promoter holds the branch. */
        BUSY
    }

    private final Region region;
    private final String owner;
    private final PromotedStateWriter db;
    private final LakeFs mirrorLakeFs;
    private final Function<Region, LakeFs> sourceLakeFs;
    private final Refstore refstore;
    private final MissingCommits missingCommits;
    private final Clock clock;
    private final Duration leaseDuration;
    private final Duration safetyMargin;

    /**
     * @param owner         this promoter's identity in promotion leases
     * @param sourceLakeFs  the lakeFS of a source region, for commits the refstore lacks
     * @param leaseDuration how long a claim on a branch lasts; must exceed the longest lakeFS call
     */
    public BranchPromoter(Region region, String owner, PromotedStateWriter db, Refstore refstore, LakeFs mirrorLakeFs,
                          Function<Region, LakeFs> sourceLakeFs, Clock clock, Duration leaseDuration) {
        this.region = region;
        this.owner = owner;
        this.db = db;
        this.refstore = refstore;
        this.mirrorLakeFs = mirrorLakeFs;
        this.sourceLakeFs = sourceLakeFs;
        this.clock = clock;
        this.leaseDuration = leaseDuration;
        this.safetyMargin = leaseDuration.dividedBy(4);
        this.missingCommits = new MissingCommits(refstore);
    }

    /** Promotes the validated sequence of one branch, if there is one to promote. */
    public Outcome promote(MirrorId mirrorId, BranchId branch) {
        Optional<BranchState> state = db.getBranchState(mirrorId, branch);
        if (state.isEmpty() || !state.get().needsPromotion()) {
            return Outcome.UP_TO_DATE;
        }
        Optional<MirrorRecord> mirror = db.getMirror(mirrorId);
        if (mirror.isEmpty() || !mirror.get().spec().destinationRegion().equals(region)) {
            return Outcome.UP_TO_DATE;
        }
        if (mirror.get().state() != MirrorState.ACTIVE || mirror.get().spec().isDeleteRequested()) {
            return Outcome.MIRROR_NOT_READY;
        }
        BranchState.Validated target = state.get().validated().orElseThrow();
        Instant until = clock.instant().plus(leaseDuration);
        if (!db.claimPromotion(mirrorId, branch, new BranchState.PromotionLease(target.sequence(), owner, until),
                clock.instant())) {
            return Outcome.BUSY;
        }
        MirrorSpec spec = mirror.get().spec();
        try {
            apply(spec, branch, target, until);
            db.recordPromoted(mirrorId, branch, new BranchState.Promoted(target.sequence(), target.head(),
                    clock.instant(), target.commitsSent()), owner);
            LOG.info("promoted {}/{} to {} (sequence {}, {} → {})", spec.name(), branch,
                    target.head().map(CommitId::value).orElse("(deleted)"), target.sequence(),
                    spec.sourceRepository() + "@" + spec.sourceRegion(), spec.name() + "@" + region);
            return Outcome.PROMOTED;
        } catch (ReplicationException e) {
            recordError(mirrorId, branch, e);
            throw e;
        } catch (RuntimeException e) {
            recordError(mirrorId, branch, e);
            throw new RetryableException("promoting " + mirrorId + "/" + branch + " failed unexpectedly: " + e
                    + "; retrying later", e);
        }
    }

    private void recordError(MirrorId mirrorId, BranchId branch, Exception e) {
        try {
            db.recordPromoterError(mirrorId, branch, new BranchState.ErrorInfo(e.getMessage() == null ? e.toString()
                    : e.getMessage(), clock.instant()), owner);
        } catch (RuntimeException recordFailure) {
            LOG.warn("cannot record the promotion error of {}/{}: {}", mirrorId, branch, recordFailure.toString());
        }
    }

    private void apply(MirrorSpec spec, BranchId branch, BranchState.Validated target, Instant until) {
        if (target.head().isEmpty()) {
            ensureLease(spec, branch, until);
            try {
                mirrorLakeFs.deleteBranch(spec.name(), branch, true);
            } catch (NotFoundException e) {
                LOG.trace("{}/{} was already deleted", spec.name(), branch);
            }
            return;
        }
        CommitId head = target.head().get();
        copyCommits(spec, head, until);
        moveBranch(spec, branch, head, until);
    }

    private void copyCommits(MirrorSpec spec, CommitId head, Instant until) {
        List<CommitRecord> missing = missingCommits.below(spec, head, mirrorLakeFs, sourceLakeFs.apply(spec.sourceRegion()));
        List<CommitId> created = new ArrayList<>();
        for (CommitRecord commit : missing) {
            ensureLease(spec, null, until);
            try {
                mirrorLakeFs.createCommitRecord(spec.name(), commit, true);
            } catch (AlreadyExistsException e) {
                LOG.trace("commit {} was already on {}", commit.id(), spec.name());
            }
            created.add(commit.id());
            if (created.size() == MARK_EVERY) {
                refstore.markPromoted(spec.id(), created);
                created.clear();
            }
        }
        if (!created.isEmpty()) {
            refstore.markPromoted(spec.id(), created);
        }
        if (!missing.isEmpty()) {
            LOG.debug("copied {} commit records to {}", missing.size(), spec.name());
        }
    }

    private void moveBranch(MirrorSpec spec, BranchId branch, CommitId head, Instant until) {
        Optional<Branch> current;
        try {
            current = Optional.of(mirrorLakeFs.getBranch(spec.name(), branch));
        } catch (NotFoundException e) {
            current = Optional.empty();
        }
        if (current.isPresent() && current.get().commitId().equals(head)) {
            return;
        }
        ensureLease(spec, branch, until);
        if (current.isEmpty()) {
            try {
                mirrorLakeFs.createBranch(spec.name(), branch, head.asRef(), true);
                return;
            } catch (AlreadyExistsException e) {
                LOG.trace("{}/{} appeared meanwhile; resetting it instead", spec.name(), branch);
            }
        }
        mirrorLakeFs.hardResetBranch(spec.name(), branch, head.asRef(), true);
    }

    /** Refuses to start a mutation the lease might not cover to its end. */
    private void ensureLease(MirrorSpec spec, BranchId branch, Instant until) {
        if (clock.instant().isAfter(until.minus(safetyMargin))) {
            throw new StaleWriteException("promotion lease of " + spec.id() + (branch == null ? "" : "/" + branch)
                    + " is about to lapse; stopping before another promoter may take over (will retry)");
        }
    }
}
