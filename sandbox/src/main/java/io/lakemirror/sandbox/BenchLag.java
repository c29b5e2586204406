package io.lakemirror.sandbox;

import io.lakemirror.config.ConfigKey;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.config.Durations;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ReplicationApiClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag benchmark: on a fresh sandbox per profile, commits on several source branches and, per
 * commit, the time until the mirror branch points at it.
 *
 * <ul>
 *   <li><b>(a) after the last metadata file landed</b>: from the moment the last of the commit's
 *       metarange and ranges landed in the destination bucket ({@link BucketReplicator#landedAt}) to
 *       the moment the mirror branch was first seen at the commit: what the service itself adds.</li>
 *   <li><b>(b) after the commit</b>: from the source commit call returning to the same moment: what
 *       a user waits, bucket replication included.</li>
 * </ul>
 *
 * <p>The mirror's branches are read by one observer thread that lists the mirror repository's
 * branches on lakeFS B every {@link Settings#poll} (the moment "first seen" is therefore late by at
 * most one poll plus one request). Each branch commits, waits until its mirror branch has the commit,
 * then pauses a random time in [0, sensor interval) before the next commit, so commits fall at every
 * phase of the sensor's cycle instead of right after a scan.
 */
final class BenchLag {
    private static final Logger LOG = LoggerFactory.getLogger(BenchLag.class);
    private static final String REPOSITORY = "lag";
    private static final String MIRROR = "lag-mirror";

    /** The keys each profile sets; every other key keeps its documented default. */
    static final List<ConfigKey<?>> TIMING_KEYS = List.of(
            ConfigKeys.COMMIT_SENSOR_PROCESS_BRANCHES_DURATION,
            ConfigKeys.VALIDATOR_RUN_INTERVAL,
            ConfigKeys.VALIDATOR_FIRST_COOLDOWN_ON_MISSING,
            ConfigKeys.VALIDATOR_COOLDOWN_ON_MISSING,
            ConfigKeys.VALIDATOR_COOLDOWN_ON_ERROR,
            ConfigKeys.MIRRORS_MANAGER_PROCESS_MIRRORS_INTERVAL_DURATION,
            ConfigKeys.CHANGE_FEED_POLL_INTERVAL);

    /**
     * One configuration to measure.
     *
     * @param config keys over the sandbox's (null restores the documented default)
     */
    record Profile(String name, String description, Map<String, Object> config, int commits) {
        /** This project's documented defaults (docs/configuration.md): the sandbox's short intervals removed. */
        static Profile projectDefaults(int commits, Map<String, Object> extra) {
            Map<String, Object> config = documentedDefaults();
            config.putAll(extra);
            return new Profile("lakemirror defaults", "this project's documented defaults (docs/configuration.md)"
                    + (extra.isEmpty() ? "" : " with " + extra), config, commits);
        }

        /** lakeFS's documented defaults of its own mirroring, mapped to our keys. */
        static Profile lakeFsDefaults(int commits) {
            Map<String, Object> config = documentedDefaults();
            config.put("commit_sensor.process_branches_duration", "1m");
            config.put("validator.run_interval", "1m");
            config.put("validator.cooldown_on_missing", "1m");
            // lakeFS's validator waits its cooldown before it looks again; ours starts at 200 ms.
            config.put("validator.first_cooldown_on_missing", "1m");
            config.put("mirrors_manager.process_mirrors_interval_duration", "20s");
            return new Profile("lakeFS defaults", "lakeFS mirroring's documented defaults: sensor 1m, validator 1m,"
                    + " reconcile 20s", config, commits);
        }

        private static Map<String, Object> documentedDefaults() {
            Map<String, Object> config = new LinkedHashMap<>();
            TIMING_KEYS.forEach(k -> config.put(k.name(), null));
            return config;
        }
    }

    /**
     * @param branches   source branches committed to at once (main and branch-1..)
     * @param delays     bucket-replication delay per object (the same in every profile)
     * @param seed       seed of the delays and of the pauses between commits
     * @param poll       how often the observer lists the mirror's branches
     * @param maxSpacing longest pause before a commit; empty: the profile's sensor interval
     */
    record Settings(int branches, DelayDistribution delays, long seed, Duration poll, Optional<Duration> maxSpacing) {
    }

    /** The measurements of one profile. */
    record Result(Profile profile, Map<String, String> effective, BenchStats afterLanding, BenchStats afterCommit,
                  List<Duration> afterLandingSample, Duration wallTime, double[] loadBefore, double[] loadAfter) {
    }

    private final Settings settings;
    private final PrintWriter out;

    BenchLag(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    Result run(Profile profile) {
        long started = System.nanoTime();
        double[] loadBefore = loadAverage();
        Sandbox.Settings sandboxSettings = Sandbox.Settings.defaults()
                .withPorts(SandboxPorts.at(0))
                .withConfig(profile.config())
                .withDelays(settings.delays(), settings.seed());
        say("%s: starting a sandbox (%s)", profile.name(), profile.description());
        Sandbox sandbox = Sandbox.start(sandboxSettings);
        // Ctrl-C during a run stops the sandbox in order (its world has no hooks of its own).
        Thread hook = new Thread(sandbox::close, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ReplicationConfig config = sandbox.world().config(Sandbox.B);
            Map<String, String> effective = effective(config);
            say("%s: effective %s", profile.name(), effective);
            Duration sensorInterval = config.values().require(ConfigKeys.COMMIT_SENSOR_PROCESS_BRANCHES_DURATION);
            Duration spacing = settings.maxSpacing().orElse(sensorInterval);
            Duration commitTimeout = sensorInterval.multipliedBy(3).plus(Duration.ofMinutes(2));
            List<Sample> samples = measure(sandbox, profile, spacing, commitTimeout);
            List<Duration> a = samples.stream().map(Sample::afterLanding).toList();
            List<Duration> b = samples.stream().map(Sample::afterCommit).toList();
            Result result = new Result(profile, effective, BenchStats.of(a), BenchStats.of(b), a,
                    Duration.ofNanos(System.nanoTime() - started), loadBefore, loadAverage());
            say("%s: %d commits measured in %s", profile.name(), samples.size(), BenchStats.seconds(result.wallTime()));
            return result;
        } finally {
            sandbox.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook's close() returns at once
            }
        }
    }

    private static Map<String, String> effective(ReplicationConfig config) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : TIMING_KEYS) {
            Object v = config.values().get(key).orElse(null);
            values.put(key.name(), v instanceof Duration d ? Durations.format(d) : String.valueOf(v));
        }
        return values;
    }

    private record Sample(BranchId branch, CommitId commit, Duration afterLanding, Duration afterCommit) {
    }

    private List<Sample> measure(Sandbox sandbox, Profile profile, Duration spacing, Duration commitTimeout) {
        String a = Sandbox.A;
        String b = Sandbox.B;
        RepositoryId source = RepositoryId.of(REPOSITORY);
        RepositoryId mirror = RepositoryId.of(MIRROR);
        LakeFsUser user = new LakeFsUser(sandbox.lakeFs(a), sandbox.adminAccessKeyId(), sandbox.adminSecretAccessKey());
        ReplicationApiClient api = new ReplicationApiClient(sandbox.api(a), sandbox.adminAccessKeyId(), sandbox.adminSecretAccessKey());
        BucketReplicator aToB = sandbox.world().replicator(a, b);
        List<BranchId> branches = new ArrayList<>();
        branches.add(BranchId.of("main"));
        for (int i = 1; i < settings.branches(); i++) {
            branches.add(BranchId.of("branch-" + i));
        }
        user.createRepository(source, "s3://" + sandbox.bucket(a) + "/" + REPOSITORY);
        branches.stream().skip(1).forEach(branch -> user.createBranch(source, branch, "main"));
        String mirrorId = api.createMirror(REPOSITORY, MIRROR, b, "s3://" + sandbox.bucket(b) + "/" + REPOSITORY)
                .get("id").asText();

        Map<CommitId, Instant> firstSeen = new ConcurrentHashMap<>();
        ExecutorService observer = Executors.newSingleThreadExecutor(named("bench-observer"));
        ExecutorService committers = Executors.newFixedThreadPool(branches.size(), named("bench-branch"));
        try (SdkLakeFs lakeFsB = SdkLakeFs.create(sandbox.lakeFs(b), sandbox.adminAccessKeyId(), new Secret(sandbox.adminSecretAccessKey()))) {
            observer.submit(() -> observe(lakeFsB, mirror, firstSeen));
            say("%s: mirror %s requested; waiting until its %d branches have their source heads", profile.name(), mirrorId,
                    branches.size());
            for (BranchId branch : branches) {
                awaitSeen(firstSeen, user.head(source, branch), commitTimeout, "the mirror's first head of " + branch);
            }
            // One unmeasured commit per branch: the first promotions of a mirror pay for connections and JIT.
            say("%s: one warm-up commit per branch", profile.name());
            runCommits(branches, committers, branch -> {
                commit(user, aToB, sandbox, source, branch, firstSeen, Duration.ZERO, commitTimeout, new Random(0));
                return null;
            });
            List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger remaining = new AtomicInteger(profile.commits());
            Random seeds = new Random(settings.seed());
            Map<BranchId, Random> randoms = new LinkedHashMap<>();
            branches.forEach(branch -> randoms.put(branch, new Random(seeds.nextLong())));
            say("%s: measuring %d commits on %d branches, pauses up to %s between commits", profile.name(),
                    profile.commits(), branches.size(), Durations.format(spacing));
            runCommits(branches, committers, branch -> {
                while (remaining.getAndDecrement() > 0) {
                    Sample sample = commit(user, aToB, sandbox, source, branch, firstSeen, spacing, commitTimeout,
                            randoms.get(branch));
                    samples.add(sample);
                    int done = samples.size();
                    if (done % 10 == 0 || done == profile.commits()) {
                        say("%s: %d/%d commits (last: %s after landing, %s after commit)", profile.name(), done,
                                profile.commits(), BenchStats.seconds(sample.afterLanding()),
                                BenchStats.seconds(sample.afterCommit()));
                    }
                }
                return null;
            });
            return List.copyOf(samples);
        } finally {
            committers.shutdownNow();
            observer.shutdownNow();
            awaitTermination(committers);
            awaitTermination(observer);
        }
    }

    private interface BranchTask {
        Void run(BranchId branch) throws Exception;
    }

    private static void runCommits(List<BranchId> branches, ExecutorService pool, BranchTask task) {
        List<Future<Void>> futures = new ArrayList<>();
        branches.forEach(branch -> futures.add(pool.submit(() -> task.run(branch))));
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                futures.forEach(other -> other.cancel(true));
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(other -> other.cancel(true));
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** One commit on {@code branch}, measured: pause, commit, wait for the mirror, read the landings. */
    private Sample commit(LakeFsUser user, BucketReplicator aToB, Sandbox sandbox, RepositoryId source, BranchId branch,
                          Map<CommitId, Instant> firstSeen, Duration spacing, Duration timeout, Random random)
            throws InterruptedException {
        if (!spacing.isZero()) {
            TimeUnit.NANOSECONDS.sleep((long) (random.nextDouble() * spacing.toNanos()));
        }
        String path = "data/" + branch + "/" + System.nanoTime() + ".csv";
        user.upload(source, branch, path, ("id,value\n1," + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8));
        LakeFsUser.Commit commit = user.commit(source, branch, "lag benchmark commit on " + branch);
        Instant committed = Instant.now();
        List<String> keys = sandbox.metadataKeys(Sandbox.A, REPOSITORY, commit.metaRangeId());
        Instant moved = awaitSeen(firstSeen, commit.id(), timeout, "mirror branch " + branch + " at " + commit.id());
        Instant lastLanded = Instant.MIN;
        for (String key : keys) {
            Instant landed = aToB.landedAt(key).orElseThrow(() -> new IllegalStateException("the mirror moved to "
                    + commit.id() + " but " + key + " has not landed in " + Sandbox.B + ": the validator admitted a"
                    + " commit whose files are missing (invariant I1)"));
            lastLanded = landed.isAfter(lastLanded) ? landed : lastLanded;
        }
        LOG.debug("{} {}: committed {}, last of {} metadata files landed {}, mirror moved {}", branch, commit.id(),
                committed, keys.size(), lastLanded, moved);
        return new Sample(branch, commit.id(), Duration.between(lastLanded, moved), Duration.between(committed, moved));
    }

    private static Instant awaitSeen(Map<CommitId, Instant> firstSeen, CommitId commit, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Instant seen = firstSeen.get(commit);
            if (seen != null) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + Durations.format(timeout));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Lists the mirror's branches every poll and keeps when each head was first seen. */
    private Void observe(SdkLakeFs lakeFsB, RepositoryId mirror, Map<CommitId, Instant> firstSeen) {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Page<Branch> page = lakeFsB.listBranches(mirror, PageRequest.largest(), false);
                Instant now = Instant.now();
                page.results().forEach(branch -> firstSeen.putIfAbsent(branch.commitId(), now));
            } catch (RuntimeException e) {
                // The mirror repository does not exist until the mirrors manager created it.
                LOG.trace("listing the mirror's branches failed ({})", e.getMessage());
            }
            next += settings.poll().toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return null;
                }
            } else {
                next = System.nanoTime();
            }
        }
        return null;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void awaitTermination(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("benchmark threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The 1, 5 and 15 minute load averages (Linux), or empty. */
    static double[] loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
        } catch (java.io.IOException | RuntimeException e) {
            double one = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? new double[0] : new double[] {one};
        }
    }

    private void say(String format, Object... args) {
        out.printf("[bench %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
        out.flush();
    }
}
