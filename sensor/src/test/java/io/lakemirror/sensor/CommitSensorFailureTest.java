package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.messages.CommitsDetected;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failures stay with the mirror or branch they belong to and are retried next cycle. */
class CommitSensorFailureTest {
    private static final RepositoryId HEALTHY = RepositoryId.of("healthy-repo");
    private static final RepositoryId FLAKY = RepositoryId.of("flaky-repo");
    private static final MirrorId HEALTHY_MIRROR = MirrorId.of("m-healthy");
    private static final MirrorId FLAKY_MIRROR = MirrorId.of("m-flaky");

    private final SensorWorld world = new SensorWorld();

    @AfterEach
    void close() {
        world.close();
    }

    private long messagesOf(MirrorId mirror) {
        return world.messages().stream().filter(m -> m.mirrorId().equals(mirror)).count();
    }

    @Test
    void runOnce_shouldScanTheOtherMirrorsAndRecordTheError_whenOneSourceRepositoryTimesOut() throws Exception {
        world.lakeFs.createRepository(HEALTHY);
        world.lakeFs.createRepository(FLAKY);
        world.activeMirror(HEALTHY_MIRROR, HEALTHY);
        world.activeMirror(FLAKY_MIRROR, FLAKY);
        FakeLakeFs.InjectedFailure timeout = world.lakeFs.failAlways(LakeFsOperation.LIST_BRANCHES, FLAKY,
                FakeLakeFs.timeout("listBranches(repository flaky-repo)"));
        CommitSensor sensor = world.sensor();

        CycleReport failing = sensor.runOnce();
        timeout.cancel();
        CycleReport recovered = sensor.runOnce();

        assertThat(failing.mirrorsScanned()).isEqualTo(2);
        assertThat(failing.mirrorsFailed()).isEqualTo(1);
        assertThat(messagesOf(HEALTHY_MIRROR)).isEqualTo(1);
        assertThat(world.counter("lakemirror.sensor.failures", "stage", "mirror", "retryable", "true")).isEqualTo(1);
        assertThat(recovered.mirrorsFailed()).isZero();
        assertThat(messagesOf(FLAKY_MIRROR)).isEqualTo(1);
        assertThat(world.sourceStatus(FLAKY_MIRROR).lastError()).isEmpty();
    }

    @Test
    void runOnce_shouldReportTheVanishedSourceRepository_andClearItAfterRecovery() throws Exception {
        world.lakeFs.createRepository(HEALTHY);
        world.activeMirror(HEALTHY_MIRROR, HEALTHY);
        CommitSensor sensor = world.sensor();
        sensor.runOnce();
        world.lakeFs.removeRepository(HEALTHY);

        sensor.runOnce();
        Optional<String> reported = world.sourceStatus(HEALTHY_MIRROR).lastError();
        world.lakeFs.createRepository(HEALTHY);
        sensor.runOnce();

        assertThat(reported).hasValueSatisfying(error -> assertThat(error)
                .contains("source repository healthy-repo was not found on the lakeFS of us-east-1"));
        assertThat(world.sourceStatus(HEALTHY_MIRROR).lastError()).isEmpty();
        assertThat(world.sourceStatus(HEALTHY_MIRROR).lastScanAt()).isPresent();
        assertThat(world.findState(HEALTHY_MIRROR, MAIN)).hasValueSatisfying(s -> assertThat(s.sent()).isTrue());
    }

    @Test
    void runOnce_shouldStopWithAClearStatus_whenTheSourceRepositoryWasDeletedAndRecreated() throws Exception {
        io.lakemirror.lakefs.Repository original = world.lakeFs.createRepository(HEALTHY);
        io.lakemirror.store.MirrorSpec spec = new io.lakemirror.store.MirrorSpec(HEALTHY_MIRROR,
                io.lakemirror.domain.RepositoryId.of("mirror-healthy"), HEALTHY, SensorWorld.SOURCE,
                SensorWorld.DESTINATION, io.lakemirror.domain.StorageNamespace.of("s3://bucket-eu/healthy"), MAIN,
                SensorWorld.T0, "admin", Optional.empty(), Optional.of(new io.lakemirror.store.MirrorSpec.SourceIdentity(
                        original.creationDate(), original.storageNamespace())));
        world.store.createMirror(spec);
        world.store.putStatus(new io.lakemirror.store.MirrorStatus(HEALTHY_MIRROR,
                io.lakemirror.store.MirrorState.ACTIVE, "", SensorWorld.T0), java.util.Set.of(), true);
        CommitSensor sensor = world.sensor();
        sensor.runOnce();
        long before = messagesOf(HEALTHY_MIRROR);
        world.lakeFs.removeRepository(HEALTHY);
        world.clock.advance(java.time.Duration.ofMinutes(5));
        world.lakeFs.createRepository(HEALTHY);
        world.lakeFs.commit(HEALTHY, MAIN, "unrelated history");

        CycleReport report = sensor.runOnce();

        assertThat(report.mirrorsFailed()).isEqualTo(1);
        assertThat(messagesOf(HEALTHY_MIRROR)).as("nothing of the new repository is sent").isEqualTo(before);
        assertThat(world.sourceStatus(HEALTHY_MIRROR).lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("is not the repository this mirror follows").contains("deleted and recreated")
                .contains("Mirroring stopped").contains("Delete this mirror"));
        assertThat(world.counter("lakemirror.sensor.sources.replaced")).isEqualTo(1);
    }

    @Test
    void runOnce_shouldAnnounceTheOtherBranchesAndRetryTheFailedOne_whenOneBranchLogFails() throws Exception {
        world.lakeFs.createRepository(SensorWorld.REPO);
        world.activeMirror(SensorWorld.MIRROR, SensorWorld.REPO);
        world.lakeFs.createBranch(SensorWorld.REPO, BranchId.of("dev"), MAIN.asRef(), false);
        world.commit(BranchId.of("dev"), "d1");
        world.commit(MAIN, "m1");
        CommitSensor sensor = world.sensor(world.settings("sensor-a").withConcurrencyLimit(1));
        world.lakeFs.failOnce(LakeFsOperation.LOG_COMMITS, SensorWorld.REPO,
                FakeLakeFs.serverError("logCommits(repository source-repo)"));

        CycleReport failing = sensor.runOnce();
        CycleReport retried = sensor.runOnce();

        assertThat(failing.failures()).isEqualTo(1);
        assertThat(failing.sequences()).isEqualTo(1);
        assertThat(world.sourceStatus(SensorWorld.MIRROR).lastError()).isEmpty();
        assertThat(retried.sequences()).isEqualTo(1);
        assertThat(world.messages()).extracting(CommitsDetected::branch)
                .containsExactlyInAnyOrder(BranchId.of("dev"), MAIN);
        assertThat(world.state(BranchId.of("dev")).sent()).isTrue();
        assertThat(world.state(MAIN).sent()).isTrue();
    }
}
