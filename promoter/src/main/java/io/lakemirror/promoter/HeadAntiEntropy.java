package io.lakemirror.promoter;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.Deadline;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.runtime.MonotonicClock;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.PromotedStateWriter;
import io.lakemirror.store.Refstore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The promoter's anti-entropy pass: compares each mirror branch's real head in lakeFS with the
 * promoted state recorded in the mirrors database, and puts back the recorded head where they
 * differ. A difference means a write landed that no lease covered: a promoter's request that lakeFS
 * applied after the client had abandoned it at its deadline (a late hard reset that moves a branch
 * back), or a write by someone else with {@code force} (a foreign move). The recorded head was
 * validated complete when it was promoted, so the repair never points a branch at an incomplete
 * commit.
 *
 * <p>A branch is checked only when its state is settled: a sequence is promoted, nothing newer is
 * waiting for promotion (that promotion will set the head anyway) and no promoter holds the branch.
 * A difference is repaired once passes have seen the same one for at least a grace period (by
 * default half a lease): a late write needs no faster answer, and whoever looks into a mirror branch
 * someone moved by hand (or an auditor judging it) sees the move before it is undone. A repair first
 * takes the branch with a repair lease at the promoted sequence
 * ({@link PromotedStateWriter#claimRepair}), which excludes promoters, then reads the head again and
 * writes under the same deadline rule as a promotion; a branch promoted meanwhile is not claimed.
 *
 * <p>Each repair increments {@value #REPAIRS} (tag {@code kind}: regression, foreign_move, missing,
 * unexpected) and logs a warning naming the mirror, the branch and both heads.
 */
public final class HeadAntiEntropy {
    private static final Logger LOG = LoggerFactory.getLogger(HeadAntiEntropy.class);
    /** Counter of mirror branches put back to their recorded head. */
    public static final String REPAIRS = "lakemirror.promoter.anti_entropy.repairs";

    /** How a mirror branch differed from its recorded state. */
    public enum Divergence {
        /** At a commit this service promoted earlier: a late write of an older promotion. */
        REGRESSION("regression"),
        /** At a commit this service never promoted on this mirror. */
        FOREIGN_MOVE("foreign_move"),
        /** Gone while a head is recorded: a late deletion, or a foreign one. */
        MISSING("missing"),
        /** Present while the source branch's deletion was promoted. */
        UNEXPECTED("unexpected");

        private final String tag;

        Divergence(String tag) {
            this.tag = tag;
        }
    }

    private final String owner;
    private final PromotedStateWriter db;
    private final Refstore refstore;
    private final LakeFs mirrorLakeFs;
    private final Clock clock;
    private final Clock leaseClock;
    private final LeaseWatch leases;
    private final Duration leaseDuration;
    private final Duration safetyMargin;
    private final Duration grace;
    private final Map<Divergence, Counter> repairs = new EnumMap<>(Divergence.class);
    /** Differences seen by a pass and not repaired yet: the head found and since when. */
    private final Map<BranchKey, Sighting> sightings = new ConcurrentHashMap<>();

    private record Sighting(long promotedSequence, Optional<CommitId> actual, Instant since) {
    }

    /**
     * An anti-entropy pass whose grace period is half the lease.
     *
     * @param owner         the lease owner of repairs; must differ from every promoter's owner
     * @param leaseDuration the repair lease, as long as a promotion lease; a quarter of it is the safety margin
     */
    public HeadAntiEntropy(String owner, PromotedStateWriter db, Refstore refstore, LakeFs mirrorLakeFs, Clock clock,
                           Duration leaseDuration, MeterRegistry meters) {
        this(owner, db, refstore, mirrorLakeFs, clock, leaseDuration, leaseDuration.dividedBy(2), meters);
    }

    /**
     * @param grace how long passes must see the same difference before it is repaired; zero repairs at
     *              first sight
     */
    public HeadAntiEntropy(String owner, PromotedStateWriter db, Refstore refstore, LakeFs mirrorLakeFs, Clock clock,
                           Duration leaseDuration, Duration grace, MeterRegistry meters) {
        this(owner, db, refstore, mirrorLakeFs, clock, MonotonicClock.system(), leaseDuration, grace, meters);
    }

    /**
     * @param leaseClock the monotonic clock on which repair leases are timed and other holders' leases
     *                   watched ({@link MonotonicClock#system()} in production; see {@link BranchPromoter})
     */
    public HeadAntiEntropy(String owner, PromotedStateWriter db, Refstore refstore, LakeFs mirrorLakeFs, Clock clock,
                           Clock leaseClock, Duration leaseDuration, Duration grace, MeterRegistry meters) {
        this.grace = grace;
        this.leaseClock = leaseClock;
        this.leases = new LeaseWatch(leaseClock, leaseDuration);
        this.owner = owner;
        this.db = db;
        this.refstore = refstore;
        this.mirrorLakeFs = mirrorLakeFs;
        this.clock = clock;
        this.leaseDuration = leaseDuration;
        this.safetyMargin = leaseDuration.dividedBy(4);
        for (Divergence d : Divergence.values()) {
            repairs.put(d, Counter.builder(REPAIRS).tag("kind", d.tag)
                    .description("Mirror branches found away from their recorded promoted head and put back")
                    .register(meters));
        }
    }

    /**
     * Checks every settled branch of one ACTIVE mirror whose repository is in this region, given its
     * branch states; returns how many branches were repaired.
     */
    public int check(MirrorSpec spec, List<BranchState> states) {
        Instant now = leaseClock.instant();
        Map<BranchId, Optional<BranchState.PromotionLease>> lapsed = new HashMap<>();
        List<BranchState> settled = states.stream().filter(s -> settled(spec, s, lapsed)).toList();
        leases.retain(k -> !k.mirror().equals(spec.id()) || lapsed.containsKey(k.branch()));
        if (settled.isEmpty()) {
            sightings.keySet().removeIf(k -> k.mirror().equals(spec.id()));
            return 0;
        }
        Map<BranchId, CommitId> heads;
        try {
            heads = heads(spec);
        } catch (NotFoundException e) {
            LOG.debug("anti-entropy: mirror repository {} of {} not found; skipped", spec.name(), spec.id());
            return 0;
        }
        int repaired = 0;
        java.util.Set<BranchKey> checked = new java.util.HashSet<>();
        for (BranchState state : settled) {
            BranchKey key = new BranchKey(spec.id(), state.branch());
            checked.add(key);
            BranchState.Promoted promoted = state.promoted().orElseThrow();
            Optional<CommitId> actual = Optional.ofNullable(heads.get(state.branch()));
            if (promoted.head().equals(actual)) {
                sightings.remove(key);
                continue;
            }
            Sighting seen = sightings.get(key);
            if (!grace.isZero() && (seen == null || seen.promotedSequence() != promoted.sequence()
                    || !seen.actual().equals(actual))) {
                sightings.put(key, new Sighting(promoted.sequence(), actual, now));
                LOG.debug("anti-entropy: {}/{} is at {}, not at its promoted head {}; repaired if it stays so for {}",
                        spec.name(), state.branch(), actual.map(CommitId::value).orElse("(absent)"),
                        promoted.head().map(CommitId::value).orElse("(deleted)"), grace);
                continue;
            }
            if (seen != null && Duration.between(seen.since(), now).compareTo(grace) < 0) {
                continue;
            }
            sightings.remove(key);
            if (repair(spec, state, lapsed.get(state.branch()))) {
                repaired++;
            }
        }
        sightings.keySet().removeIf(k -> k.mirror().equals(spec.id()) && !checked.contains(k));
        return repaired;
    }

    /**
     * Whether the branch is promoted with nothing newer waiting and no lease held; a lease of another
     * counts as not held once its version stayed unchanged for a whole lease on this process's
     * monotonic clock ({@link LeaseWatch}), and is then named in the repair's claim.
     */
    private boolean settled(MirrorSpec spec, BranchState state, Map<BranchId, Optional<BranchState.PromotionLease>> lapsed) {
        if (state.promoted().isEmpty() || state.needsPromotion()) {
            return false;
        }
        LeaseWatch.Verdict verdict = leases.look(new BranchKey(spec.id(), state.branch()), state.promotion(), owner);
        if (verdict instanceof LeaseWatch.Held) {
            lapsed.put(state.branch(), Optional.empty());
            return false;
        }
        lapsed.put(state.branch(), verdict instanceof LeaseWatch.Lapsed l ? Optional.of(l.lease()) : Optional.empty());
        return true;
    }

    /** Every branch head of the mirror repository; the listing ends within a margin, so a hung lakeFS cannot stall the pass. */
    private Map<BranchId, CommitId> heads(MirrorSpec spec) {
        LakeFs lakeFs = mirrorLakeFs.bounded(Deadline.at(clock.instant().plus(safetyMargin), clock));
        Map<BranchId, CommitId> heads = new HashMap<>();
        String after = "";
        Page<Branch> page;
        do {
            page = lakeFs.listBranches(spec.name(), PageRequest.largest().after(after), true);
            page.results().forEach(b -> heads.put(b.id(), b.commitId()));
            after = page.nextOffset();
        } while (page.hasMore());
        return heads;
    }

    /** Takes the branch, reads its head again and puts back the recorded head if it still differs. */
    private boolean repair(MirrorSpec spec, BranchState state, Optional<BranchState.PromotionLease> lapsed) {
        MirrorId id = spec.id();
        BranchId branch = state.branch();
        BranchState.Promoted promoted = state.promoted().orElseThrow();
        // Timed from before the claim is sent, on the monotonic clock (see BranchPromoter).
        Instant sent = leaseClock.instant();
        if (!db.claimRepair(id, branch, new BranchState.PromotionLease(promoted.sequence(), owner,
                clock.instant().plus(leaseDuration)), lapsed)) {
            LOG.trace("anti-entropy: {}/{} changed or is held; checked again next pass", id, branch);
            return false;
        }
        leases.forget(new BranchKey(id, branch));
        try {
            LakeFs lakeFs = mirrorLakeFs.bounded(Deadline.at(sent.plus(leaseDuration).minus(safetyMargin), leaseClock));
            Optional<CommitId> actual;
            try {
                actual = Optional.of(lakeFs.getBranch(spec.name(), branch).commitId());
            } catch (NotFoundException e) {
                actual = Optional.empty();
            }
            Optional<CommitId> recorded = promoted.head();
            if (recorded.equals(actual)) {
                return false;
            }
            Divergence kind = classify(id, recorded, actual);
            putBack(spec, branch, recorded, actual, lakeFs);
            repairs.get(kind).increment();
            LOG.warn("anti-entropy: mirror branch {}/{} (mirror {}) was at {} but its promoted head is {} (sequence {});"
                    + " {}: {}", spec.name(), branch, id, actual.map(CommitId::value).orElse("(absent)"),
                    recorded.map(CommitId::value).orElse("(deleted)"), promoted.sequence(), describe(kind),
                    recorded.map(c -> "put back to " + c).orElse("deleted it again"));
            return true;
        } finally {
            db.releasePromotion(id, branch, owner);
        }
    }

    private Divergence classify(MirrorId id, Optional<CommitId> recorded, Optional<CommitId> actual) {
        if (actual.isEmpty()) {
            return Divergence.MISSING;
        }
        if (recorded.isEmpty()) {
            return Divergence.UNEXPECTED;
        }
        Refstore.StoredCommit known = refstore.getCommits(id, List.of(actual.get())).get(actual.get());
        return known != null && known.promoted() ? Divergence.REGRESSION : Divergence.FOREIGN_MOVE;
    }

    private static String describe(Divergence kind) {
        return switch (kind) {
            case REGRESSION -> "an older promotion's write landed late";
            case FOREIGN_MOVE -> "something other than this service moved it";
            case MISSING -> "it was deleted by a late or foreign write";
            case UNEXPECTED -> "it exists although its deletion was promoted";
        };
    }

    private static void putBack(MirrorSpec spec, BranchId branch, Optional<CommitId> recorded, Optional<CommitId> actual,
                                LakeFs lakeFs) {
        if (recorded.isEmpty()) {
            FencedMove.clearFences(() -> lakeFs, spec.name(), branch);
            try {
                lakeFs.deleteBranch(spec.name(), branch, true);
            } catch (NotFoundException e) {
                LOG.trace("{}/{} was deleted meanwhile", spec.name(), branch);
            }
            return;
        }
        // Through a fence ref like a promotion: a late write of this repair cannot undo a later promotion.
        FencedMove.move(() -> lakeFs, spec.name(), branch, recorded.get(), actual.isEmpty());
    }
}
