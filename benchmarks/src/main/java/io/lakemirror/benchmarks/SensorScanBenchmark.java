package io.lakemirror.benchmarks;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.logging.Logging;
import io.lakemirror.queue.InMemoryCommitsQueue;
import io.lakemirror.sensor.CommitSensor;
import io.lakemirror.sensor.CycleReport;
import io.lakemirror.sensor.SensorSettings;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Not a test: one mirror whose source repository has 10,000 branches, of which 10 move between two
 * scans (one new commit each). Prints, per measured scan, the lakeFS calls the sensor made and the
 * scan's wall time and process CPU time, then the medians. The sensor runs over the in-memory fakes
 * ({@code FakeLakeFs}, in-memory mirrors database and queue), so the numbers are the sensor's own
 * work and call pattern, without a network; against a real lakeFS add ~10 listing round trips plus
 * one log round trip per changed branch.
 *
 * <pre>{@code
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar io.lakemirror.benchmarks.SensorScanBenchmark [branches changed scans]
 * }</pre>
 * Defaults: 10000 branches, 10 changed per scan, 20 measured scans after 5 warm-up scans.
 */
public final class SensorScanBenchmark {
    private static final RepositoryId REPO = RepositoryId.of("source-repo");
    private static final Region SOURCE = Region.of("us-east-1");

    private SensorScanBenchmark() {
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int branches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int changed = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int scans = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int warmup = 5;
        Logging.configure("WARN", "text");

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
            lakeFs.resetCallCounts();
            long wall = System.nanoTime();
            long cpu = processCpuNanos();
            CycleReport initial = sensor.runOnce();
            System.out.printf("first scan, every branch new: %d sequences, lakeFS calls %s, wall %d ms, CPU %d ms%n",
                    initial.sequences(), lakeFs.callCounts(), (System.nanoTime() - wall) / 1_000_000,
                    (processCpuNanos() - cpu) / 1_000_000);

            double[] walls = new double[scans];
            double[] cpus = new double[scans];
            Map<LakeFsOperation, Long> calls = Map.of();
            for (int round = 0; round < warmup + scans; round++) {
                for (int i = 0; i < changed; i++) {
                    lakeFs.commit(REPO, names.get((round * changed + i) % names.size()), "round " + round);
                }
                lakeFs.resetCallCounts();
                wall = System.nanoTime();
                cpu = processCpuNanos();
                CycleReport report = sensor.runOnce();
                double wallMs = (System.nanoTime() - wall) / 1e6;
                double cpuMs = (processCpuNanos() - cpu) / 1e6;
                if (report.branchesChanged() != changed || report.branchesListed() != branches) {
                    throw new IllegalStateException("unexpected scan: " + report);
                }
                if (round >= warmup) {
                    walls[round - warmup] = wallMs;
                    cpus[round - warmup] = cpuMs;
                    calls = lakeFs.callCounts();
                    System.out.printf("scan %2d: %d listed, %d changed, %d messages, lakeFS calls %s (total %d),"
                                    + " wall %.1f ms, CPU %.1f ms%n", round - warmup, report.branchesListed(),
                            report.branchesChanged(), report.messagesSent(), calls, lakeFs.totalCalls(), wallMs, cpuMs);
                }
            }
            lakeFs.resetCallCounts();
            wall = System.nanoTime();
            cpu = processCpuNanos();
            CycleReport idle = sensor.runOnce();
            System.out.printf("idle scan: %d listed, %d changed, lakeFS calls %s, wall %.1f ms, CPU %.1f ms%n",
                    idle.branchesListed(), idle.branchesChanged(), lakeFs.callCounts(),
                    (System.nanoTime() - wall) / 1e6, (processCpuNanos() - cpu) / 1e6);
            System.out.printf("median of %d scans with %d of %d branches changed: wall %.1f ms, CPU %.1f ms,"
                    + " lakeFS calls %s%n", scans, changed, branches, median(walls), median(cpus), calls);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
