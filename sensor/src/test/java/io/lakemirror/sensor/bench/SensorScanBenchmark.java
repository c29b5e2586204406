package io.lakemirror.sensor.bench;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.queue.InMemoryCommitsQueue;
import io.lakemirror.sensor.CommitSensor;
import io.lakemirror.sensor.CycleReport;
import io.lakemirror.sensor.SensorSettings;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Benchmark, not a test: one mirror whose source has 10,000 branches, of which 10 changed since the
 * last scan (one new commit each). Reports the lakeFS calls and wall time of that scan, over the
 * in-memory fakes, so it measures the sensor's own work and its call pattern, not a network.
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -q -pl sensor -am install -DskipTests
 * mvn -q -pl sensor test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.lakemirror.sensor.bench.SensorScanBenchmark [-Dexec.args="10000 10 5"]
 * }</pre>
 * Arguments: branches, changed branches per scan, measured scans (after two warm-up scans).
 */
public final class SensorScanBenchmark {
    private static final RepositoryId REPO = RepositoryId.of("source-repo");
    private static final Region SOURCE = Region.of("us-east-1");

    private SensorScanBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int branches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int changed = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        FakeLakeFs lakeFs = new FakeLakeFs(Clock.systemUTC());
        lakeFs.createRepository(REPO);
        BranchId main = BranchId.of("main");
        CommitId head = lakeFs.commit(REPO, main, "c0").id();
        List<BranchId> names = new ArrayList<>();
        for (int i = 0; i < branches - 1; i++) {
            BranchId b = BranchId.of(String.format("branch-%05d", i));
            lakeFs.setBranch(REPO, b, head);
            names.add(b);
        }
        InMemoryMirrorsDatabase database = new InMemoryMirrorsDatabase();
        MirrorId mirror = MirrorId.of("bench");
        database.createMirror(new MirrorSpec(mirror, RepositoryId.of("bench-mirror"), REPO, SOURCE,
                Region.of("eu-west-1"), StorageNamespace.of("s3://bucket-eu/bench"), main, Instant.now(), "bench",
                Optional.empty()));
        database.putStatus(new MirrorStatus(mirror, MirrorState.ACTIVE, "", Instant.now()), Set.of(), true);
        InMemoryCommitsQueue queues = new InMemoryCommitsQueue(Duration.ofMinutes(1));
        SensorSettings settings = new SensorSettings(SOURCE, OrganizationId.of("bench"), Duration.ofMinutes(1), 10,
                1000, 1000, false, 1000, Duration.ofMinutes(3), "bench-sensor", SensorSettings.DEFAULT_MAX_MESSAGE_BYTES);

        try (CommitSensor sensor = new CommitSensor(settings, lakeFs, database, queues.forRegion(SOURCE),
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            long t0 = System.nanoTime();
            CycleReport initial = sensor.runOnce();
            System.out.printf("initial scan (every branch new): %d sequences, %d ms%n", initial.sequences(),
                    (System.nanoTime() - t0) / 1_000_000);
            for (int round = -2; round < rounds; round++) {
                for (int i = 0; i < changed; i++) {
                    BranchId b = names.get((round + 2) * changed + i);
                    lakeFs.commit(REPO, b, "round " + round);
                }
                lakeFs.resetCallCounts();
                long started = System.nanoTime();
                CycleReport report = sensor.runOnce();
                long micros = (System.nanoTime() - started) / 1_000;
                Map<LakeFsOperation, Long> calls = lakeFs.callCounts();
                if (round >= 0) {
                    System.out.printf("scan %d: %d branches listed, %d changed, %d messages, lakeFS calls %s (total %d),"
                                    + " wall %.1f ms%n", round, report.branchesListed(), report.branchesChanged(),
                            report.messagesSent(), calls, lakeFs.totalCalls(), micros / 1000.0);
                }
            }
            lakeFs.resetCallCounts();
            long started = System.nanoTime();
            CycleReport idle = sensor.runOnce();
            System.out.printf("idle scan: %d branches listed, %d changed, lakeFS calls %s, wall %.1f ms%n",
                    idle.branchesListed(), idle.branchesChanged(), lakeFs.callCounts(),
                    (System.nanoTime() - started) / 1e6);
        }
    }
}
