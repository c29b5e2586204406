package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.RetryableException;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting, scheduling, metrics and a bounded stop. */
class CommitSensorLifecycleTest {
    private final SensorWorld world = SensorWorld.withMirror();

    @AfterEach
    void close() {
        world.close();
    }

    private static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
    }

    @Test
    void start_shouldScanEveryIntervalOnItsOwnThreads_untilClosed() {
        CommitSensor sensor = world.sensor(world.settings("sensor-a").withInterval(Duration.ofMillis(100)));

        sensor.start();
        await().alias("first scan announces main").atMost(Duration.ofSeconds(20))
                .until(() -> world.messages(MAIN).size() == 1);
        world.commit(MAIN, "c1");
        await().alias("a later scan announces the new commit").atMost(Duration.ofSeconds(20))
                .until(() -> world.messages(MAIN).size() == 2);
        assertThat(threadAlive("lakemirror-sensor-scheduler")).isTrue();
        long started = System.nanoTime();
        sensor.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CommitSensor.CLOSE_TIMEOUT);
        assertThat(sensor.name()).isEqualTo("sensor");
        assertThatThrownBy(sensor::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(sensor::runOnce).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_shouldInterruptAStuckLakeFsCallAndReleaseTheLease_withinTheBound() throws Exception {
        world.commit(MAIN, "c1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        FakeLakeFs.CallListener stuck = (operation, repository) -> {
            if (operation == LakeFsOperation.LOG_COMMITS) {
                entered.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RetryableException("lakeFS call interrupted");
                }
            }
        };
        world.lakeFs.addCallListener(stuck);
        CommitSensor sensor = world.sensor(world.settings("sensor-a").withInterval(Duration.ofMillis(200)));
        sensor.start();
        assertThat(entered.await(20, TimeUnit.SECONDS)).as("the scan reached the stuck lakeFS call").isTrue();

        long started = System.nanoTime();
        sensor.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        world.lakeFs.removeCallListener(stuck);
        CycleReport next = world.sensor(world.settings("sensor-b")).runOnce();

        assertThat(took).isLessThan(CommitSensor.CLOSE_TIMEOUT);
        assertThat(next.mirrorsScanned()).as("the lease was released").isEqualTo(1);
        assertThat(world.messages(MAIN)).hasSize(1);
    }

    @Test
    void runOnce_shouldForgetTheBookkeepingOfMirrorsItNoLongerScans() throws Exception {
        io.lakemirror.domain.RepositoryId other = io.lakemirror.domain.RepositoryId.of("other-repo");
        world.lakeFs.createRepository(other);
        io.lakemirror.domain.MirrorId second = io.lakemirror.domain.MirrorId.of("m2");
        world.activeMirror(second, other);
        CommitSensor sensor = world.sensor();
        sensor.runOnce();
        int both = sensor.rememberedMirrors();

        world.store.deleteMirror(second);
        sensor.runOnce();

        assertThat(both).isEqualTo(2);
        assertThat(sensor.rememberedMirrors()).isEqualTo(1);
    }

    @Test
    void runOnce_shouldCountScansMessagesAndCommits_inTheMeterRegistry() throws Exception {
        world.commit(MAIN, "c1");
        world.commit(MAIN, "c2");

        world.sensor().runOnce();

        assertThat(world.counter("lakemirror.sensor.scans", "outcome", "ok")).isEqualTo(1);
        assertThat(world.counter("lakemirror.sensor.messages.sent")).isEqualTo(1);
        assertThat(world.counter("lakemirror.sensor.commits.sent")).isEqualTo(3);
        assertThat(world.counter("lakemirror.sensor.branches.changed")).isEqualTo(1);
        assertThat(world.counter("lakemirror.sensor.sequences", "kind", "head")).isEqualTo(1);
        assertThat(world.meters.get("lakemirror.sensor.cycle.duration").timer().count()).isEqualTo(1);
    }
}
