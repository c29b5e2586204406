package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.messages.CommitsDetected;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several sensor processes of one region sharing mirrors. */
class CommitSensorConcurrencyTest {
    private final SensorWorld world = SensorWorld.withMirror();

    @AfterEach
    void close() {
        world.close();
    }

    /** Each (branch, sequence) announced names exactly one head. */
    private static void assertOneHeadPerSequence(List<CommitsDetected> messages) {
        Map<String, Set<Optional<CommitId>>> heads = new HashMap<>();
        messages.forEach(m -> heads.computeIfAbsent(m.branch() + "#" + m.sequence(), k -> new HashSet<>()).add(m.head()));
        assertThat(heads).allSatisfy((sequence, named) -> assertThat(named).as(sequence).hasSize(1));
    }

    @Test
    void runOnce_shouldSkipTheMirror_whenAnotherSensorHoldsItsLease() throws Exception {
        world.commit(MAIN, "c1");
        CommitSensor a = world.sensor(world.settings("sensor-a"));
        CommitSensor b = world.sensor(world.settings("sensor-b"));

        a.runOnce();
        world.commit(MAIN, "c2");
        CycleReport byB = b.runOnce();
        world.clock.advance(Duration.ofMinutes(2));
        CycleReport byA = a.runOnce();

        assertThat(byB.mirrorsSkipped()).isEqualTo(1);
        assertThat(byB.messagesSent()).isZero();
        assertThat(byA.messagesSent()).isEqualTo(1);
        assertThat(world.counter("lakemirror.sensor.scans", "outcome", "skipped")).isEqualTo(1);
        assertThat(world.sourceStatus(SensorWorld.MIRROR).leaseOwner()).isEqualTo("sensor-a");
    }

    @Test
    void runOnce_shouldLetAnotherSensorTakeOver_whenTheLeaseHolderStops() throws Exception {
        world.commit(MAIN, "c1");
        CommitSensor a = world.sensor(world.settings("sensor-a"));
        a.runOnce();
        a.close();
        CommitRecord c2 = world.commit(MAIN, "c2");

        CycleReport byB = world.sensor(world.settings("sensor-b")).runOnce();

        assertThat(byB.mirrorsScanned()).isEqualTo(1);
        assertThat(world.messages(MAIN).get(1).commits()).containsExactly(c2);
    }

    @Test
    void runOnce_shouldNeverGiveOneSequenceToTwoHeads_whenTwoSensorsRaceAfterALeaseLapsed() throws Exception {
        CommitRecord c1 = world.commit(MAIN, "c1");
        CommitSensor a = world.sensor(world.settings("sensor-a"));
        CommitSensor b = world.sensor(world.settings("sensor-b"));
        AtomicBoolean raced = new AtomicBoolean();
        AtomicReference<CommitRecord> c2 = new AtomicReference<>();
        AtomicReference<CycleReport> byB = new AtomicReference<>();
        // Sensor A pauses just before writing its intent for c1 (a GC pause, say) for longer than its
        // lease; meanwhile the branch moves to c2 and sensor B takes the mirror over.
        world.database.onPutSensorState((state, expected) -> {
            if (!state.sent() && raced.compareAndSet(false, true)) {
                world.clock.advance(Duration.ofMinutes(4));
                c2.set(world.commit(MAIN, "c2"));
                try {
                    byB.set(b.runOnce());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });

        CycleReport byA = a.runOnce();

        assertThat(byB.get().sequences()).isEqualTo(1);
        assertThat(byA.racesLost()).isEqualTo(1);
        assertThat(byA.messagesSent()).isZero();
        List<CommitsDetected> main = world.messages(MAIN);
        assertThat(main).hasSize(1);
        assertThat(main.get(0).sequence()).isEqualTo(1);
        assertThat(main.get(0).head()).contains(c2.get().id());
        assertThat(main.get(0).commits()).extracting(CommitRecord::id).contains(c1.id(), c2.get().id());
        assertOneHeadPerSequence(world.messages());

        CycleReport again = a.runOnce();
        assertThat(again.mirrorsSkipped()).isEqualTo(1);
    }

    @Test
    void runOnce_shouldGiveEachHeadItsOwnSequence_whenManySensorsScanInTurnWhileBranchesMove() throws Exception {
        List<CommitSensor> sensors = List.of(world.sensor(world.settings("sensor-a")),
                world.sensor(world.settings("sensor-b")), world.sensor(world.settings("sensor-c")));
        for (int round = 0; round < 12; round++) {
            BranchId branch = BranchId.of("b" + round % 3);
            if (round < 3) {
                world.lakeFs.createBranch(SensorWorld.REPO, branch, MAIN.asRef(), false);
            }
            world.commit(branch, "r" + round);
            world.clock.advance(Duration.ofMinutes(round % 2 == 0 ? 4 : 1));
            for (CommitSensor s : sensors) {
                s.runOnce();
            }
        }

        assertOneHeadPerSequence(world.messages());
        for (int i = 0; i < 3; i++) {
            BranchId branch = BranchId.of("b" + i);
            assertThat(world.messages(branch)).extracting(CommitsDetected::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(world.state(branch).head()).contains(world.lakeFs.head(SensorWorld.REPO, branch));
        }
    }
}
