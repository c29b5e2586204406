package io.lakemirror.launcher;

import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.logging.Logging;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Runs one or all components of this region until SIGTERM or Ctrl-C. */
public abstract class ComponentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigFileOption config;

    /** The components this command runs. */
    protected abstract Set<RegionProcess.Part> parts();

    /**
     * Starts the components on the backends of {@code config}. The sandbox's local variant overrides
     * this to run them on the test world's servers; production runs them as configured.
     */
    protected RegionProcess start(ReplicationConfig config) {
        return RegionProcess.start(config, parts());
    }

    @Override
    public Integer call() throws InterruptedException {
        ReplicationConfig loaded = config.load(spec);
        Logging.configure(loaded.logging().level(), loaded.logging().format());
        LOG.info("starting {} in region {} (organization {}), configuration: {}", spec.name(), loaded.region(),
                loaded.organizationId(), ConfigPrinter.toLogLine(loaded.values()));
        RegionProcess process = start(loaded);
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
        protected Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.SENSOR);
        }
    }

    @Command(name = "validator", description = "Run the validator of this region.")
    static final class Validator extends ComponentCommand {
        @Override
        protected Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.VALIDATOR);
        }
    }

    @Command(name = "promoter", description = "Run the promoter and mirrors manager of this region.")
    static final class Promoter extends ComponentCommand {
        @Override
        protected Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.PROMOTER);
        }
    }

    @Command(name = "api", description = "Serve the REST API on listen_address.")
    static final class Api extends ComponentCommand {
        @Override
        protected Set<RegionProcess.Part> parts() {
            return EnumSet.of(RegionProcess.Part.API);
        }
    }

    @Command(name = "all", description = "Run every component of this region in one process.")
    static final class All extends ComponentCommand {
        @Override
        protected Set<RegionProcess.Part> parts() {
            return EnumSet.allOf(RegionProcess.Part.class);
        }
    }
}
