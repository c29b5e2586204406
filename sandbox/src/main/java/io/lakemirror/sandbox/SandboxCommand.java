package io.lakemirror.sandbox;

import io.lakemirror.config.ConfigException;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.launcher.Main;
import io.lakemirror.logging.Logging;
import io.lakemirror.testkit.PortInUseException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sandbox}: the two-region sandbox in the foreground until Ctrl-C or SIGTERM, or with
 * {@code --demo} a scripted scenario on it.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        subcommands = {RunCommand.class, LakeFsServerCommand.class},
        description = {
            "Run two regions of lakeFS with the replication service on this machine: lakeFS test servers for"
                + " us-east-1 (A) and eu-west-1 (B), S3, SQS and DynamoDB servers, bucket replication from each"
                + " region's bucket to the other's, and every replication component of both regions with their APIs.",
            "",
            "When ready it prints one line 'sandbox ready: {json}' with every URL, bucket and key (the same"
                + " keys work on both lakeFS servers and both APIs), then commands to try. Ctrl-C or SIGTERM stops"
                + " everything it started.",
            "",
            "Ports on 127.0.0.1 (with the default --port-base 18000; each moves with the base):",
            "  18000  lakeFS us-east-1             18001  lakeFS eu-west-1",
            "  18008  replication API us-east-1    18009  replication API eu-west-1",
            "  18090  S3 (path-style)              18324  SQS",
            "  18455  DynamoDB and DynamoDB Streams (dynoxide)",
            "",
            "Needs the dynoxide binary (.tools/, installed with npm on first use, or LAKEMIRROR_DYNOXIDE).",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by Ctrl-C/SIGTERM, or the demo passed", "1:the sandbox could not start, or the demo failed",
            "2:invalid options"})
final class SandboxCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxCommand.class);
    /** The longest a stop may take before the JVM exits anyway (dynoxide dies with it through its watchdog). */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration STARTUP_WAIT_ON_STOP = Duration.ofSeconds(90);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port-base", paramLabel = "PORT", defaultValue = "18000",
            description = "First port (default: ${DEFAULT-VALUE}); every port above moves with it, e.g. 19000 gives"
                    + " lakeFS 19000/19001, APIs 19008/19009, S3 19090, SQS 19324, DynamoDB 19455. 0 picks free ports.")
    int portBase;

    @Option(names = "--demo", description = "Run a scripted scenario (a repository, a mirror, commits on several"
            + " branches, one range held back), print 'demo passed' when every mirror branch equals its source, and exit.")
    boolean demo;

    @Option(names = "--demo-timeout", paramLabel = "DURATION", defaultValue = "2m",
            description = "How long the demo may take before it fails (default: ${DEFAULT-VALUE}).")
    String demoTimeout;

    @Option(names = "--no-replication", description = "Start lakeFS, S3, SQS, DynamoDB and bucket replication only;"
            + " run each region's service yourself with bin/replication sandbox run all --config FILE (printed).")
    boolean noReplication;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a configuration key in both regions (repeatable),"
            + " e.g. --set commit_sensor.process_branches_duration=1m; KEY= (empty) falls back to the documented default."
            + " The sandbox's own intervals are short (sensor 500ms, reconcile 1s, validator 1s) so changes show at once.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--mirrors-db", paramLabel = "TYPE", defaultValue = "dynamodb", description = "Where the mirrors"
            + " database and the refstores live: dynamodb (dynoxide, the default) or postgres (an embedded PostgreSQL,"
            + " whose connection string the ready line shows as \"postgres\").")
    String mirrorsDb;

    @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Write each region's configuration here (default: a temporary folder removed on exit).")
    Path configDir;

    @Option(names = "--log-level", defaultValue = "INFO", description = "Log level on standard error (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        Logging.configure(logLevel, "text");
        quietLocalStackLogs(logLevel);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Sandbox.Settings settings;
        Duration timeout;
        try {
            timeout = io.lakemirror.config.Durations.parse(demoTimeout);
            settings = Sandbox.Settings.defaults()
                    .withPorts(SandboxPorts.at(portBase))
                    .withReplication(!noReplication)
                    .withConfig(withMirrorsDb(configOverrides(overrides), mirrorsDb))
                    .withConfigDir(Optional.ofNullable(configDir));
        } catch (IllegalArgumentException | ConfigException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
        if (demo && noReplication) {
            err.println("error: --demo needs the replication service: leave out --no-replication");
            err.flush();
            return Main.EXIT_USAGE;
        }

        Lifecycle lifecycle = new Lifecycle();
        Runtime.getRuntime().addShutdownHook(new Thread(lifecycle::stop, "sandbox-shutdown"));
        long started = System.nanoTime();
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(settings);
        } catch (PortInUseException e) {
            lifecycle.started(null);
            err.println("error: " + e.getMessage() + ". Stop what holds " + (e.busy().size() == 1 ? "it" : "them")
                    + " or move every sandbox port with --port-base (e.g. --port-base " + (portBase == 19000 ? 20000 : 19000) + ").");
            err.flush();
            return 1;
        } catch (RuntimeException e) {
            lifecycle.started(null);
            err.println("error: the sandbox did not start: " + message(e));
            err.flush();
            LOG.debug("sandbox start failed", e);
            return 1;
        }
        lifecycle.started(sandbox);
        LOG.info("sandbox started in {} ms", (System.nanoTime() - started) / 1_000_000);
        out.println("sandbox ready: " + sandbox.readyJson());
        out.flush();
        if (demo) {
            return runDemo(sandbox, timeout, out, err);
        }
        out.println();
        sandbox.instructions().forEach(out::println);
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
        lifecycle.awaitStop();
        return 0;
    }

    private static int runDemo(Sandbox sandbox, Duration timeout, PrintWriter out, PrintWriter err) {
        try {
            new SandboxDemo(sandbox, out, timeout).run();
            out.println("demo passed");
            out.flush();
            return 0;
        } catch (SandboxDemo.DemoFailure e) {
            out.flush();
            err.println("demo failed: " + e.getMessage());
            err.flush();
            return 1;
        } catch (RuntimeException e) {
            out.flush();
            err.println("demo failed: " + message(e));
            err.flush();
            LOG.debug("demo failed", e);
            return 1;
        }
    }

    /**
     * At INFO and above, silences what only a local stack logs and would make a reader think
     * something is wrong: KCL's periodic "incomplete hash range" ERROR against dynoxide's single
     * shard (harmless; docs/testing.md, "Local AWS-compatible servers"), the streams adapter's
     * start-up notices, and the sensor's summary of every cycle (twice a second with the sandbox's
     * interval).
     */
    static void quietLocalStackLogs(String level) {
        if (!(org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Level root = ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO);
        if (!root.isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)) {
            return;
        }
        context.getLogger("software.amazon.kinesis.coordinator.PeriodicShardSyncManager").setLevel(ch.qos.logback.classic.Level.OFF);
        context.getLogger("software.amazon.kinesis").setLevel(ch.qos.logback.classic.Level.ERROR);
        context.getLogger("com.amazonaws.services.dynamodbv2.streamsadapter").setLevel(ch.qos.logback.classic.Level.ERROR);
        context.getLogger("io.lakemirror.sensor.SensorCycle").setLevel(ch.qos.logback.classic.Level.WARN);
    }

    /** The overrides with {@code mirrors_database.type} set for {@code --mirrors-db} (postgres; dynamodb is the world's own). */
    static Map<String, Object> withMirrorsDb(Map<String, Object> overrides, String type) {
        if (!type.equals("dynamodb") && !type.equals("postgres")) {
            throw new IllegalArgumentException("--mirrors-db takes dynamodb or postgres, got " + type);
        }
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        if (type.equals("postgres")) {
            all.put("mirrors_database.type", "postgres");
        }
        return all;
    }

    /** KEY=VALUE pairs as configuration overrides; an empty value removes the sandbox's own setting. */
    static Map<String, Object> configOverrides(Map<String, String> pairs) {
        Map<String, Object> values = new LinkedHashMap<>();
        pairs.forEach((key, value) -> {
            String name = key.trim();
            if (ConfigKeys.ALL.stream().noneMatch(k -> k.name().equals(name))) {
                throw new IllegalArgumentException("--set " + name + ": no such configuration key (every key:"
                        + " docs/configuration.md or bin/replication config reference)");
            }
            values.put(name, value == null || value.isBlank() ? null : value.trim());
        });
        return values;
    }

    /** The message of {@code e} and its causes, once each, without class names where a message exists. */
    static String message(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null || m.isBlank()) {
                m = t.getClass().getSimpleName();
            }
            if (text.indexOf(m) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }

    /**
     * Ties the shutdown hook to the main thread: the hook waits for a startup in progress, stops the
     * sandbox within {@link #STOP_TIMEOUT}, then lets the main thread return.
     */
    static final class Lifecycle {
        private final CountDownLatch startup = new CountDownLatch(1);
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile Sandbox sandbox;

        void started(Sandbox started) {
            this.sandbox = started;
            startup.countDown();
        }

        void awaitStop() throws InterruptedException {
            stopped.await();
        }

        void stop() {
            try {
                if (!startup.await(STARTUP_WAIT_ON_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("the sandbox was still starting after {} s; exiting without stopping it in order",
                            STARTUP_WAIT_ON_STOP.toSeconds());
                    return;
                }
                Sandbox s = sandbox;
                if (s == null) {
                    return;
                }
                LOG.info("stopping the sandbox");
                long t0 = System.nanoTime();
                Thread closer = new Thread(s::close, "sandbox-stop");
                closer.start();
                closer.join(STOP_TIMEOUT.toMillis());
                if (closer.isAlive()) {
                    LOG.warn("the sandbox did not stop within {} s; exiting anyway (dynoxide exits with this process)",
                            STOP_TIMEOUT.toSeconds());
                } else {
                    LOG.info("sandbox stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }
    }
}
