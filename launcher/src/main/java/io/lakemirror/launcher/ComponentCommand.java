package io.lakemirror.launcher;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.logging.Logging;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one or all components of this region until SIGTERM or Ctrl-C. */
abstract class ComponentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file; REPLICATION_* environment variables override it.")
    Path config;

    @Option(names = "--dynoxide", description = "The DynamoDB endpoint is dynoxide (e.g. the sandbox's, see"
            + " bin/replication sandbox --help): apply the compatibility shims its change feed needs. Local stacks only.")
    boolean dynoxide;

    // Test-only and hidden: lets the fault-injection harness (it/, docs/testing.md) run a component in
    // its own OS process against the test world's servers, with the change-feed lease seeded as in-JVM tests do.
    @Option(names = "--local-stack", hidden = true, description = "Test only: the backends are the local test"
            + " world's (dynoxide, ElasticMQ, S3Mock); apply the dynoxide shims and seed the change-feed lease.")
    boolean localStack;

    /** The components this command runs. */
    abstract Set<RegionProcess.Part> parts();

    @Override
    public Integer call() throws InterruptedException {
        ReplicationConfig loaded = ConfigLoader.load(Optional.ofNullable(config), Main.environment(spec));
        Logging.configure(loaded.logging().level(), loaded.logging().format());
        LOG.info("starting {} in region {} (organization {}), configuration: {}", spec.name(), loaded.region(),
                loaded.organizationId(), ConfigPrinter.toLogLine(loaded.values()));
        RegionProcess process = RegionProcess.start(loaded,
                dynoxide || localStack ? io.lakemirror.testkit.LocalServices.dynoxideShims(loaded) : UnaryOperator.identity(),
                localStack ? io.lakemirror.testkit.LocalServices.seedChangeFeed() : b -> { }, parts());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    @Command(name = "sensor", description = "Run the commit sensor of this region.")
    static final class Sensor extends ComponentCommand {
        @Override
        Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.SENSOR);
        }
    }

    @Command(name = "validator", description = "Run the validator of this region.")
    static final class Validator extends ComponentCommand {
        @Override
        Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.VALIDATOR);
        }
    }

    @Command(name = "promoter", description = "Run the promoter and mirrors manager of this region.")
    static final class Promoter extends ComponentCommand {
        @Override
        Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.PROMOTER);
        }
    }

    @Command(name = "api", description = "Serve the REST API on listen_address.")
    static final class Api extends ComponentCommand {
        @Override
        Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.API);
        }
    }

    @Command(name = "all", description = "Run every component of this region in one process.")
    static final class All extends ComponentCommand {
        @Override
        Set<RegionProcess.Part> parts() {
            return EnumSet.allOf(RegionProcess.Part.class);
        }
    }
}
