package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.LEASE;
import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.DeadlineExceededException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.identity.AlteredRecords;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.store.BranchState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants I3 (a mirror branch never moves backwards for good) and I5 (the mirror's commits are the
 * source's) on the promoter's side, whatever lakeFS calls cost, wherever a promoter stalls and loses its
 * lease, and whichever stored records were altered.
 */
class FencedPromotionProperties {
    private static final Duration MARGIN = LEASE.dividedBy(4);
    private static final Duration GRACE = LEASE.dividedBy(2);

    /**
     * Promoter "a" stalls in a lakeFS call for longer than its lease (the {@code stalledCall}-th record
     * it creates, its read of the branch, its hard reset, its creation of a fence ref; or none), as a
     * paused process or a request that lakeFS executes late would; "b" takes the branch meanwhile
     * (after a newer commit, when {@code newerCommit}) and promotes it; the stalled request then lands
     * late (when {@code landsLate}) or never. Each process's wall clock is off the true time by up to
     * ±20 s ({@code wallSkews}: a, b, c, anti-entropy) and its monotonic clock starts anywhere
     * ({@code origins}). Whatever the calls cost and the clocks say:
     * every lakeFS call of a promotion starts while its promoter holds the branch's lease, at least
     * the safety margin before a lease has passed since that lease's version was written (in true
     * time: the earliest another process could take it); and after the anti-entropy passes, the
     * branch is at the newest promoted head; the late request (a hard reset or branch creation naming
     * a fence ref, a record, or a read) never moved it back, so anti-entropy had nothing to repair.
     */
    @Property(tries = 200)
    void everyCallStartsUnderItsPromotersLease_andALateWriteIsUndone(
            @ForAll @IntRange(min = 1, max = 12) int commits,
            @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 14) Integer> costSeconds,
            @ForAll @IntRange(min = 0, max = 4) int stalledIn,
            @ForAll @IntRange(min = 0, max = 11) int stalledCall,
            @ForAll boolean newerCommit,
            @ForAll boolean landsLate,
            @ForAll @Size(4) List<@IntRange(min = -20, max = 20) Integer> wallSkews,
            @ForAll @Size(4) List<@IntRange(min = -1_000_000, max = 1_000_000) Integer> origins) {
        PromoterFixture f = new PromoterFixture().active();
        List<String> processes = List.of("a", "b", "c", "anti-entropy");
        for (int i = 0; i < processes.size(); i++) {
            f.wallOffsets.put(processes.get(i), Duration.ofSeconds(wallSkews.get(i)));
            f.monotonicOrigins.put(processes.get(i), Duration.ofSeconds(origins.get(i)));
        }
        Map<String, Instant> versionWritten = new HashMap<>();
        f.db.addListener(change -> {
            if (change instanceof io.lakemirror.store.ChangeFeed.BranchChanged changed) {
                changed.state().flatMap(BranchState::promotion)
                        .ifPresent(l -> versionWritten.putIfAbsent(l.version(), f.clock.instant()));
            }
        });
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        HeadAntiEntropy antiEntropy = f.antiEntropy("anti-entropy", meters);
        f.refstore.putCommits(MIRROR, List.of(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN))));
        f.sourceCommit(MAIN, "first");
        f.validateSourceHead(MAIN);
        promoteUntilDone(f, f.promoter("first"));
        for (int i = 0; i < commits; i++) {
            f.sourceCommit(MAIN, "c" + i);
        }
        f.validateSourceHead(MAIN);
        AtomicInteger call = new AtomicInteger();
        io.lakemirror.lakefs.fake.FakeLakeFs.CallListener cost = (operation, repository) ->
                f.clock.advance(Duration.ofSeconds(costSeconds.get(call.getAndIncrement() % costSeconds.size())));
        f.mirror.addCallListener(cost);
        List<String> violations = new ArrayList<>();
        RecordingLakeFs a = recording(f, "a", violations, versionWritten);
        RecordingLakeFs b = recording(f, "b", violations, versionWritten);
        Map<String, CommitId> late = new HashMap<>();
        String stalled = List.of("createCommitRecord", "getBranch", "hardResetBranch", "none", "createHiddenBranch")
                .get(stalledIn);
        a.holdNth(stalled, stalledIn == 0 ? stalledCall % commits : 0, lateWrite -> {
            f.clock.advance(LEASE.plusSeconds(1));
            if (newerCommit) {
                f.sourceCommit(MAIN, "newer");
                f.validateSourceHead(MAIN);
            }
            promoteUntilDone(f, f.promoter("b", b.lakeFs()));
            if (landsLate) {
                CommitId before = f.mirror.head(MIRROR_REPO, MAIN);
                try {
                    lateWrite.run();
                } catch (ReplicationException e) {
                    // A late createBranch meets the branch "b" made, a late record meets its copy: lakeFS refuses.
                }
                late.put("before", before);
                late.put("after", f.mirror.head(MIRROR_REPO, MAIN));
            }
            return new DeadlineExceededException("abandoned at its deadline");
        });

        try {
            f.promoter("a", a.lakeFs()).promote(MIRROR, MAIN);
        } catch (ReplicationException e) {
            // "a" lost its lease while stalled: it must stop, and "b" has done the work.
        }
        promoteUntilDone(f, f.promoter("c"));
        f.mirror.removeCallListener(cost);
        antiEntropy.check(f.spec, f.db.listBranchStates(MIRROR));
        f.clock.advance(GRACE);
        antiEntropy.check(f.spec, f.db.listBranchStates(MIRROR));

        assertThat(violations).isEmpty();
        BranchState state = f.db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(state.needsPromotion()).isFalse();
        CommitId newest = f.source.head(SOURCE_REPO, MAIN);
        assertThat(state.promoted().orElseThrow().head()).contains(newest);
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).as("the branch ends at the newest promoted head").isEqualTo(newest);
        boolean movedBack = late.containsKey("after") && !late.get("after").equals(late.get("before"));
        Statistics.label("stalled call").collect(stalled);
        Statistics.label("late write").collect(movedBack ? "moved the branch back" : "changed no head");
        Statistics.label("b's clock against a's").collect(wallSkews.get(1) - wallSkews.get(0) >= MARGIN.toSeconds()
                ? "a margin or more behind" : wallSkews.get(0) - wallSkews.get(1) >= MARGIN.toSeconds()
                ? "a margin or more ahead" : "within the margin");
        assertThat(movedBack).as("a late write never moves the branch back (fence refs)").isFalse();
        assertThat(meters.find(HeadAntiEntropy.REPAIRS).counters().stream().mapToDouble(Counter::count).sum())
                .as("nothing for anti-entropy to repair").isZero();
    }

    /**
     * Whichever of the stored records were altered (any field the ID covers), the promoter hands
     * lakeFS only records that hash to their IDs, and the mirror's history ends up equal to the
     * source's, record by record.
     */
    @Property(tries = 150)
    void onlyRecordsThatHashToTheirIds_reachCreateCommitRecord(
            @ForAll @IntRange(min = 1, max = 25) int commits,
            @ForAll @Size(max = 26) List<@IntRange(min = 0, max = 25) Integer> tamperedAt,
            @ForAll @Size(26) List<@IntRange(min = 0, max = 5) Integer> fields) {
        PromoterFixture f = new PromoterFixture().active();
        List<CommitRecord> history = new ArrayList<>();
        history.add(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN)));
        for (int i = 0; i < commits; i++) {
            history.add(f.source.commit(SOURCE_REPO, MAIN, "c" + i, Map.of("n", Integer.toString(i))));
        }
        List<CommitRecord> stored = new ArrayList<>(history);
        long tampered = tamperedAt.stream().filter(i -> i < history.size()).distinct().count();
        tamperedAt.stream().filter(i -> i < history.size()).distinct()
                .forEach(i -> stored.set(i, AlteredRecords.alter(history.get(i), fields.get(i))));
        f.refstore.putCommits(MIRROR, stored);
        f.validateSourceHead(MAIN);
        RecordingLakeFs recording = new RecordingLakeFs(f.mirror, f.clock);
        BranchPromoter promoter = f.promoter("p", recording.lakeFs());

        assertThat(promoter.promote(MIRROR, MAIN)).isEqualTo(BranchPromoter.Outcome.PROMOTED);

        assertThat(f.mirror.calls(LakeFsOperation.CREATE_COMMIT_RECORD)).as("lakeFS refused nothing")
                .isEqualTo(history.size());
        assertThat(promoter.recordsRefetched()).isEqualTo(tampered);
        for (CommitRecord c : history) {
            assertThat(f.mirror.commitRecord(MIRROR_REPO, c.id())).isEqualTo(c);
        }
        assertThat(f.mirror.head(MIRROR_REPO, MAIN)).isEqualTo(f.source.head(SOURCE_REPO, MAIN));
    }

    private static RecordingLakeFs recording(PromoterFixture f, String owner, List<String> violations,
                                             Map<String, Instant> versionWritten) {
        RecordingLakeFs recording = new RecordingLakeFs(f.mirror, f.clock);
        recording.beforeEach(c -> {
            Optional<BranchState.PromotionLease> lease = f.db.getBranchState(MIRROR, MAIN)
                    .flatMap(BranchState::promotion);
            // True time: no one else may take this version of the lease before a whole lease after it was written.
            Instant latestStart = lease.map(l -> versionWritten.get(l.version()).plus(LEASE).minus(MARGIN))
                    .orElse(Instant.MIN);
            if (lease.isEmpty() || !lease.get().owner().equals(owner) || !c.at().isBefore(latestStart)) {
                violations.add(owner + "'s " + c.operation() + " at " + c.at() + " under lease " + lease);
            }
        });
        return recording;
    }

    private static void promoteUntilDone(PromoterFixture f, BranchPromoter promoter) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                BranchPromoter.Outcome outcome = promoter.promote(MIRROR, MAIN);
                if (outcome == BranchPromoter.Outcome.UP_TO_DATE) {
                    return;
                }
                if (outcome == BranchPromoter.Outcome.BUSY) {
                    f.clock.advance(LEASE.plusSeconds(1));
                }
            } catch (ReplicationException e) {
                f.clock.advance(LEASE.plusSeconds(1));
            }
        }
        throw new AssertionError("no promotion after 50 attempts");
    }
}
