package io.lakemirror.promoter;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.Deadline;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.runtime.MonotonicClock;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.PromotedStateWriter;
import io.lakemirror.store.Refstore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a validated sequence of one mirror branch to the mirror repository: copies the commit
 * records it lacks (parents first, verified against their IDs), then creates, hard-resets or
 * deletes the branch, then records the promoted sequence.
 *
 * <p>Fenced promotions (docs/design/pipeline.md, "Fenced promotions"): only the holder of the
 * branch's promotion lease moves the branch, and every lakeFS call it makes under the lease is held
 * to a deadline of the lease's end less a safety margin ({@link LakeFs#bounded}), with no retry past
 * it. Between calls, while none is in flight, the lease is renewed once less than half of it is
 * left, so a long first sync keeps its lease; once a deadline has passed the promotion stops and is
 * retried later under a new claim. What a deadline cannot recall (a request lakeFS applies after the
 * client abandoned it) is found and undone by {@link HeadAntiEntropy}.
 */
public final class BranchPromoter {
    private static final Logger LOG = LoggerFactory.getLogger(BranchPromoter.class);

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
    private final Clock leaseClock;
    private final LeaseWatch leases;
    private final Duration leaseDuration;
    private final Duration safetyMargin;

    /**
     * @param owner         this promoter's identity in promotion leases
     * @param sourceLakeFs  the lakeFS of a source region, for commits the refstore lacks
     * @param leaseDuration how long a claim on a branch lasts; a quarter of it is the safety margin by which
     *                      every lakeFS call ends before the lease does
     */
    public BranchPromoter(Region region, String owner, PromotedStateWriter db, Refstore refstore, LakeFs mirrorLakeFs,
                          Function<Region, LakeFs> sourceLakeFs, Clock clock, Duration leaseDuration) {
        this(region, owner, db, refstore, mirrorLakeFs, sourceLakeFs, clock, MonotonicClock.system(), leaseDuration);
    }

    /**
     * @param clock      the wall clock, for the times recorded in the branch state
     * @param leaseClock the monotonic clock on which leases are timed ({@link MonotonicClock#system()} in
     *                   production): this promoter's deadlines count from when it sent its claim, and another's
     *                   lease is taken over only after its version stayed unchanged for a whole lease on it
     */
    public BranchPromoter(Region region, String owner, PromotedStateWriter db, Refstore refstore, LakeFs mirrorLakeFs,
                          Function<Region, LakeFs> sourceLakeFs, Clock clock, Clock leaseClock, Duration leaseDuration) {
        this.region = region;
        this.owner = owner;
        this.db = db;
        this.refstore = refstore;
        this.mirrorLakeFs = mirrorLakeFs;
        this.sourceLakeFs = sourceLakeFs;
        this.clock = clock;
        this.leaseClock = leaseClock;
        this.leases = new LeaseWatch(leaseClock, leaseDuration);
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
        BranchKey key = new BranchKey(mirrorId, branch);
        LeaseWatch.Verdict verdict = leases.look(key, state.get().promotion(), owner);
        if (verdict instanceof LeaseWatch.Held held) {
            LOG.trace("{}/{} is held by {} (version {}); taken over if unchanged for {} more", mirrorId, branch,
                    held.lease().owner(), held.lease().version(), held.left());
            return Outcome.BUSY;
        }
        Optional<BranchState.PromotionLease> lapsed = verdict instanceof LeaseWatch.Lapsed l
                ? Optional.of(l.lease()) : Optional.empty();
        // The deadline counts from before the claim is sent: the claim lands later, and any other
        // promoter starts watching its version later still.
        Instant sent = leaseClock.instant();
        if (!db.claimPromotion(mirrorId, branch, new BranchState.PromotionLease(target.sequence(), owner,
                clock.instant().plus(leaseDuration)), lapsed)) {
            return Outcome.BUSY;
        }
        leases.forget(key);
        lapsed.ifPresent(l -> LOG.info("took over the promotion lease of {}/{} from {} (version {} unchanged for {})",
                mirrorId, branch, l.owner(), l.version(), leaseDuration));
        MirrorSpec spec = mirror.get().spec();
        Lease lease = new Lease(spec, branch, target.sequence(), sent.plus(leaseDuration));
        try {
            apply(spec, branch, target, lease);
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

    /** Commit records replaced by a verified copy from the source since this promoter started. */
    public long recordsRefetched() {
        return missingCommits.refetched();
    }

    private void recordError(MirrorId mirrorId, BranchId branch, Exception e) {
        try {
            db.recordPromoterError(mirrorId, branch, new BranchState.ErrorInfo(e.getMessage() == null ? e.toString()
                    : e.getMessage(), clock.instant()), owner);
        } catch (RuntimeException recordFailure) {
            LOG.warn("cannot record the promotion error of {}/{}: {}", mirrorId, branch, recordFailure.toString());
        }
    }

    private void apply(MirrorSpec spec, BranchId branch, BranchState.Validated target, Lease lease) {
        if (target.head().isEmpty()) {
            // An earlier holder's creation of the branch, executed late, must not bring it back.
            FencedMove.clearFences(lease::mirror, spec.name(), branch);
            try {
                lease.mirror().deleteBranch(spec.name(), branch, true);
            } catch (NotFoundException e) {
                LOG.trace("{}/{} was already deleted", spec.name(), branch);
            }
            return;
        }
        CommitId head = target.head().get();
        missingCommits.copy(spec, head, lease);
        moveBranch(spec, branch, head, lease);
    }

    private void moveBranch(MirrorSpec spec, BranchId branch, CommitId head, Lease lease) {
        Optional<Branch> current;
        try {
            current = Optional.of(lease.mirror().getBranch(spec.name(), branch));
        } catch (NotFoundException e) {
            current = Optional.empty();
        }
        if (current.isPresent() && current.get().commitId().equals(head)) {
            return;
        }
        // Through a fence ref, so that an earlier holder's move that lakeFS executes late fails instead.
        FencedMove.move(lease::mirror, spec.name(), branch, head, current.isEmpty());
    }

    /**
     * The promotion lease this promoter holds on one branch, and the lakeFS clients bounded by it.
     * Every call asks for a client afresh, so each gets the deadline of the lease as it is then.
     */
    private final class Lease implements MissingCommits.Clients {
        private final MirrorSpec spec;
        private final BranchId branch;
        private final long sequence;
        /** The lease's end on the lease clock: a lease duration after the claim or renewal was sent. */
        private Instant until;

        Lease(MirrorSpec spec, BranchId branch, long sequence, Instant until) {
            this.spec = spec;
            this.branch = branch;
            this.sequence = sequence;
            this.until = until;
        }

        @Override
        public LakeFs mirror() {
            return mirrorLakeFs.bounded(deadline());
        }

        @Override
        public LakeFs source() {
            return sourceLakeFs.apply(spec.sourceRegion()).bounded(deadline());
        }

        /**
         * The deadline of the next call: the lease's end less the safety margin. No call is in flight
         * when this runs, so the lease may be renewed here; once the deadline has passed, the
         * promotion stops instead, since another promoter may be about to take over.
         */
        private Deadline deadline() {
            Instant now = leaseClock.instant();
            Instant last = until.minus(safetyMargin);
            if (!now.isBefore(last)) {
                throw new StaleWriteException("promotion lease of " + spec.id() + "/" + branch + " (sequence " + sequence
                        + ") is about to lapse; stopping before another promoter may take over (will retry)");
            }
            if (Duration.between(now, last).compareTo(leaseDuration.dividedBy(2)) < 0) {
                Instant renewed = now.plus(leaseDuration);
                if (!db.claimPromotion(spec.id(), branch, new BranchState.PromotionLease(sequence, owner,
                        clock.instant().plus(leaseDuration)), Optional.empty())) {
                    throw new StaleWriteException("promotion lease of " + spec.id() + "/" + branch + " (sequence "
                            + sequence + ") could not be renewed: another promoter holds it or the sequence was"
                            + " promoted; stopping (will retry)");
                }
                LOG.trace("renewed the promotion lease of {}/{}", spec.id(), branch);
                until = renewed;
                last = until.minus(safetyMargin);
            }
            return Deadline.at(last, leaseClock);
        }
    }
}
