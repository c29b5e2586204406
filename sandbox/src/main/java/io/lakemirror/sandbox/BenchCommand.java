package io.lakemirror.sandbox;

import io.lakemirror.config.ConfigException;
import io.lakemirror.config.Durations;
import io.lakemirror.launcher.Main;
import io.lakemirror.logging.Logging;
import io.lakemirror.testkit.DelayDistribution;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: benchmarks that need the whole service, never run by the build. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Benchmarks of the whole service on the sandbox (never part of the build or CI).",
        subcommands = {BenchCommand.Lag.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "lag", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
            description = {
                "Mirror lag, side by side: this project's documented defaults, then lakeFS mirroring's documented"
                    + " defaults (sensor 1m, validator 1m, reconcile 20s), each on a fresh sandbox on free ports.",
                "Per commit it measures (a) from the moment the last metadata file of the commit (metarange and"
                    + " ranges) landed in the destination bucket to the moment the mirror branch was first seen at"
                    + " the commit, and (b) from the source commit returning to that moment; it prints p50, p95, p99,"
                    + " max and mean of each, and the ratio of the two runs.",
                "Each source branch commits, waits for its mirror branch, then pauses a random time up to the"
                    + " sensor interval (--max-spacing) so commits fall at every phase of the sensor's cycle. The"
                    + " lakeFS-defaults run takes about one minute per commit and branch: keep --lakefs-commits small.",
                ""})
    static final class Lag implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(Lag.class);

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--commits", defaultValue = "50", description = "Measured commits with this project's defaults"
                + " (default: ${DEFAULT-VALUE}).")
        int commits;

        @Option(names = "--lakefs-commits", defaultValue = "10", description = "Measured commits with lakeFS's defaults"
                + " (default: ${DEFAULT-VALUE}).")
        int lakeFsCommits;

        @Option(names = "--branches", defaultValue = "5", description = "Source branches committing at once, main"
                + " included (default: ${DEFAULT-VALUE}).")
        int branches;

        @Option(names = "--replication-delay", paramLabel = "MIN..MAX", defaultValue = "0ms..2s",
                description = "Bucket-replication delay of each object, uniform (default: ${DEFAULT-VALUE}; the same in both runs).")
        String replicationDelay;

        @Option(names = "--max-spacing", paramLabel = "DURATION", description = "Longest random pause before each"
                + " commit (default: the run's sensor interval).")
        String maxSpacing;

        @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "15ms",
                description = "How often the mirror's branches are listed on lakeFS B (default: ${DEFAULT-VALUE}).")
        String poll;

        @Option(names = "--seed", defaultValue = "7", description = "Seed of the replication delays and pauses (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--only", paramLabel = "RUN", description = "Run only one side: ours or lakefs.")
        String only;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a configuration key in the run with this"
                + " project's defaults (repeatable), e.g. to measure a candidate default.")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Option(names = "--mirrors-db", paramLabel = "TYPE", defaultValue = "dynamodb", description = "Mirrors database of"
                + " the run with this project's defaults: dynamodb (default), postgres, or both (that run twice, DynamoDB"
                + " then PostgreSQL, and their ratio; add --only ours to leave out lakeFS's defaults).")
        String mirrorsDb;

        @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the result tables (Markdown) to FILE.")
        Path markdown;

        @Option(names = "--log-level", defaultValue = "WARN", description = "Log level on standard error (default: ${DEFAULT-VALUE}).")
        String logLevel;

        @Override
        public Integer call() throws Exception {
            Logging.configure(logLevel, "text");
            SandboxCommand.quietLocalStackLogs(logLevel);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            BenchLag.Settings settings;
            List<BenchLag.Profile> profiles = new ArrayList<>();
            try {
                if (commits < 1 || lakeFsCommits < 1 || branches < 1) {
                    throw new IllegalArgumentException("--commits, --lakefs-commits and --branches must be at least 1");
                }
                settings = new BenchLag.Settings(branches, delays(replicationDelay), seed, Durations.parse(poll),
                        Optional.ofNullable(maxSpacing).map(Durations::parse));
                Map<String, Object> extra = SandboxCommand.configOverrides(overrides);
                if (only == null || only.equals("ours")) {
                    profiles.add(BenchLag.Profile.projectDefaults(commits, extra));
                }
                if (only == null || only.equals("lakefs")) {
                    profiles.add(BenchLag.Profile.lakeFsDefaults(lakeFsCommits));
                }
                if (!List.of("dynamodb", "postgres", "both").contains(mirrorsDb)) {
                    throw new IllegalArgumentException("--mirrors-db takes dynamodb, postgres or both, got " + mirrorsDb);
                }
                if (!mirrorsDb.equals("dynamodb") && (only == null || only.equals("ours"))) {
                    BenchLag.Profile ours = profiles.remove(0);
                    Map<String, Object> onPostgres = new LinkedHashMap<>(ours.config());
                    onPostgres.put("mirrors_database.type", "postgres");
                    BenchLag.Profile postgres = new BenchLag.Profile(ours.name() + " on PostgreSQL", ours.description()
                            + ", mirrors database and refstores on PostgreSQL", onPostgres, ours.commits());
                    profiles.addAll(0, mirrorsDb.equals("both") ? List.of(ours, postgres) : List.of(postgres));
                }
                if (profiles.isEmpty()) {
                    throw new IllegalArgumentException("--only takes ours or lakefs, got " + only);
                }
            } catch (IllegalArgumentException | ConfigException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return Main.EXIT_USAGE;
            }

            String machine = machine();
            String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            out.println("lag benchmark, " + started + ", " + machine);
            out.println("bucket replication delay per object: " + settings.delays() + "; branches: " + branches
                    + "; mirror polled every " + poll);
            out.flush();
            BenchLag bench = new BenchLag(settings, out);
            List<BenchLag.Result> results = new ArrayList<>();
            try {
                for (BenchLag.Profile profile : profiles) {
                    results.add(bench.run(profile));
                }
            } catch (RuntimeException e) {
                err.println("error: the benchmark failed: " + SandboxCommand.message(e));
                err.flush();
                LOG.debug("benchmark failed", e);
                return 1;
            }
            String tables = tables(results, started, machine, settings);
            out.println();
            out.print(tables);
            out.flush();
            if (markdown != null) {
                Files.writeString(markdown, tables);
            }
            return 0;
        }

        static DelayDistribution delays(String range) {
            String[] bounds = range.split("\\.\\.");
            if (bounds.length != 2) {
                throw new IllegalArgumentException("--replication-delay takes MIN..MAX, e.g. 0ms..2s, got " + range);
            }
            return DelayDistribution.uniform(Durations.parse(bounds[0]), Durations.parse(bounds[1]));
        }

        static String tables(List<BenchLag.Result> results, String date, String machine, BenchLag.Settings settings) {
            StringBuilder md = new StringBuilder();
            md.append("Run ").append(date).append(" on ").append(machine).append(".\n\n");
            md.append("| run | commits | effective settings | load avg before → after (1/5/15 min) | wall time |\n|---|---|---|---|---|\n");
            for (BenchLag.Result r : results) {
                md.append("| ").append(r.profile().name()).append(" | ").append(r.afterLanding().count()).append(" | ")
                        .append(settingsText(r.effective())).append(" | ").append(load(r.loadBefore())).append(" → ")
                        .append(load(r.loadAfter())).append(" | ").append(BenchStats.seconds(r.wallTime())).append(" |\n");
            }
            md.append("\n| measure | run | p50 | p95 | p99 | max | mean |\n|---|---|---|---|---|---|---|\n");
            for (String measure : List.of("a", "b")) {
                for (BenchLag.Result r : results) {
                    BenchStats s = measure.equals("a") ? r.afterLanding() : r.afterCommit();
                    md.append("| ").append(measure.equals("a") ? "(a) last metadata file landed → mirror moved"
                            : "(b) source commit → mirror moved").append(" | ").append(r.profile().name()).append(" | ")
                            .append(BenchStats.seconds(s.p50())).append(" | ").append(BenchStats.seconds(s.p95()))
                            .append(" | ").append(BenchStats.seconds(s.p99())).append(" | ")
                            .append(BenchStats.seconds(s.max())).append(" | ").append(BenchStats.seconds(s.mean())).append(" |\n");
                }
            }
            if (results.size() == 2) {
                BenchLag.Result ours = results.get(0);
                BenchLag.Result theirs = results.get(1);
                md.append("\nRatio (").append(theirs.profile().name()).append(" ÷ ").append(ours.profile().name())
                        .append("):\n\n| measure | p50 | p95 | p99 | max | mean |\n|---|---|---|---|---|---|\n");
                md.append(ratioRow("(a) after landing", ours.afterLanding().ratios(theirs.afterLanding())));
                md.append(ratioRow("(b) after commit", ours.afterCommit().ratios(theirs.afterCommit())));
                if (ours.effective().equals(theirs.effective())) {
                    md.append("\nNote: both runs had the same effective settings, so the ratio only shows run-to-run noise.\n");
                }
            }
            return md.toString();
        }

        private static String ratioRow(String name, double[] ratios) {
            StringBuilder row = new StringBuilder("| ").append(name);
            for (double r : ratios) {
                row.append(" | ").append(String.format(Locale.ROOT, "%.1f×", r));
            }
            return row.append(" |\n").toString();
        }

        private static String settingsText(Map<String, String> effective) {
            List<String> parts = new ArrayList<>();
            effective.forEach((k, v) -> parts.add("`" + k + "` " + v));
            return String.join(", ", parts);
        }

        private static String load(double[] load) {
            if (load.length == 0) {
                return "?";
            }
            List<String> parts = new ArrayList<>();
            for (double l : load) {
                parts.add(String.format(Locale.ROOT, "%.1f", l));
            }
            return String.join("/", parts);
        }

        /** CPU model and count, memory, JVM and OS, for the results table. */
        static String machine() {
            String cpu = "unknown CPU";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux: the OS MXBean below still names the architecture
            }
            var os = ManagementFactory.getOperatingSystemMXBean();
            long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
            return String.format(Locale.ROOT, "%d × %s, %d GiB, Java %s, %s %s", Runtime.getRuntime().availableProcessors(),
                    cpu, memory >> 30, System.getProperty("java.version"), os.getName(), os.getVersion());
        }
    }
}
