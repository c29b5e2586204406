package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static io.lakemirror.sensor.SensorWorld.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.messages.CommitsDetected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of the sensor over random histories: commits, merges (clock skew included), branches
 * created, reset backwards and deleted, with scans in between.
 */
class SensorHistoryProperties {
    private static final List<BranchId> BRANCHES = List.of(MAIN, BranchId.of("b1"), BranchId.of("b2"), BranchId.of("b3"));

    /** One change of the source, or a scan. */
    record Step(int kind, int branch, int other) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(30);
    }

    /**
     * With one branch scan at a time, every commit reachable from a scanned head is sent exactly once,
     * always after its parents; each branch's sequences count up from 1 and each names one head.
     */
    @Property(tries = 60)
    void everyCommitIsSentOnceAfterItsParents_whenBranchesAreScannedOneAtATime(@ForAll("histories") List<Step> steps)
            throws Exception {
        try (SensorWorld world = SensorWorld.withMirror()) {
            CommitSensor sensor = world.sensor(world.settings("sensor-a").withConcurrencyLimit(1));
            Set<CommitId> reachable = replay(world, sensor, steps);

            List<CommitsDetected> messages = world.messages();
            List<CommitId> sent = new ArrayList<>();
            Set<CommitId> seen = new HashSet<>();
            for (CommitsDetected m : messages) {
                for (CommitRecord c : m.commits()) {
                    assertThat(seen).as("parents of %s sent before it", c.message()).containsAll(c.parents());
                    seen.add(c.id());
                    sent.add(c.id());
                }
            }
            assertThat(sent).doesNotHaveDuplicates();
            assertThat(seen).isEqualTo(reachable);
            assertSequences(world, messages);
        }
    }

    /** With parallel branch scans a commit new to two branches may travel twice, but none is missed. */
    @Property(tries = 30)
    void everyReachableCommitIsSent_whenBranchesAreScannedInParallel(@ForAll("histories") List<Step> steps)
            throws Exception {
        try (SensorWorld world = SensorWorld.withMirror()) {
            CommitSensor sensor = world.sensor(world.settings("sensor-a").withConcurrencyLimit(4));
            Set<CommitId> reachable = replay(world, sensor, steps);

            List<CommitsDetected> messages = world.messages();
            Set<CommitId> sent = new HashSet<>();
            messages.forEach(m -> m.commits().forEach(c -> sent.add(c.id())));
            assertThat(sent).isEqualTo(reachable);
            assertSequences(world, messages);
        }
    }

    /** Applies the steps, scanning where asked and once at the end; returns every commit a scan saw reachable. */
    private static Set<CommitId> replay(SensorWorld world, CommitSensor sensor, List<Step> steps) throws Exception {
        Set<CommitId> reachable = new HashSet<>();
        List<Step> all = new ArrayList<>(steps);
        all.add(new Step(6, 0, 0));
        for (Step s : all) {
            BranchId branch = BRANCHES.get(s.branch());
            BranchId other = BRANCHES.get(s.other());
            Map<BranchId, CommitId> heads = world.lakeFs.branches(REPO);
            switch (s.kind()) {
                case 0, 1 -> {
                    if (!heads.containsKey(branch)) {
                        world.lakeFs.createBranch(REPO, branch, other.equals(branch) || !heads.containsKey(other)
                                ? MAIN.asRef() : other.asRef(), false);
                    }
                    // every third commit is dated an hour early: clock skew makes log order disagree with ancestry
                    CommitSpec spec = CommitSpec.message("c" + world.lakeFs.commitIds(REPO).size());
                    world.commit(branch, s.other() == 3 ? spec.date(world.clock.instant().minus(Duration.ofHours(1)))
                            : spec);
                }
                case 2 -> {
                    if (heads.containsKey(branch) && heads.containsKey(other) && !branch.equals(other)) {
                        world.merge(other, branch, "merge " + other + " into " + branch);
                    }
                }
                case 3 -> {
                    if (heads.containsKey(branch)) {
                        CommitRecord head = world.lakeFs.commitRecord(REPO, heads.get(branch));
                        if (!head.parents().isEmpty()) {
                            world.lakeFs.hardResetBranch(REPO, branch, head.parents().get(0).asRef(), false);
                        }
                    }
                }
                case 4 -> {
                    if (heads.containsKey(branch) && !branch.equals(MAIN)) {
                        world.lakeFs.deleteBranch(REPO, branch, false);
                    }
                }
                default -> {
                    world.lakeFs.branches(REPO).values().forEach(h -> reachable.addAll(world.lakeFs.ancestors(REPO, h)));
                    CycleReport report = sensor.runOnce();
                    assertThat(report.failures()).isZero();
                }
            }
        }
        return reachable;
    }

    /** Per branch: sequences 1, 2, 3, ... in queue order, one head each, the last batch carrying the head. */
    private static void assertSequences(SensorWorld world, List<CommitsDetected> messages) {
        Map<BranchId, List<CommitsDetected>> byBranch = new HashMap<>();
        messages.forEach(m -> byBranch.computeIfAbsent(m.branch(), b -> new ArrayList<>()).add(m));
        byBranch.forEach((branch, list) -> {
            long expected = 1;
            for (CommitsDetected m : list) {
                assertThat(m.sequence()).as("sequence of %s", branch).isEqualTo(expected);
                assertThat(m.lastBatch()).isTrue();
                if (m.head().isPresent()) {
                    assertThat(m.headRecord()).as("head record of %s seq %d", branch, m.sequence()).isPresent();
                }
                expected++;
            }
            var state = world.state(branch);
            assertThat(state.sent()).isTrue();
            assertThat(state.sequence()).isEqualTo(list.size());
            assertThat(state.head()).isEqualTo(world.lakeFs.branches(REPO).containsKey(branch)
                    ? java.util.Optional.of(world.lakeFs.head(REPO, branch)) : java.util.Optional.empty());
        });
    }
}
