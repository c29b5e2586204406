package io.lakemirror.launcher;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.logging.Logging;
import io.lakemirror.runtime.Component;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

    /** The components this command runs, in start order; empty when not built yet. */
    abstract List<Component> components(ReplicationConfig config);

    @Override
    public Integer call() throws InterruptedException {
        ReplicationConfig loaded = ConfigLoader.load(Optional.ofNullable(config), Main.environment(spec));
        Logging.configure(loaded.logging().level(), loaded.logging().format());
        String name = spec.name();
        List<Component> parts = components(loaded);
        if (parts.isEmpty()) {
            spec.commandLine().getErr().println("the " + name + " component is not built yet in this version");
            spec.commandLine().getErr().flush();
            return 1;
        }
        LOG.info("starting {} in region {} (organization {}), configuration: {}", name, loaded.region(),
                loaded.organizationId(), ConfigPrinter.toLogLine(loaded.values()));
        CountDownLatch stopped = new CountDownLatch(1);
        List<Component> started = new ArrayList<>();
        Thread hook = new Thread(() -> {
            LOG.info("stopping {} ({} components)", name, started.size());
            for (int i = started.size() - 1; i >= 0; i--) {
                closeQuietly(started.get(i));
            }
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (Component part : parts) {
            part.start();
            started.add(part);
            LOG.info("{} started", part.name());
        }
        stopped.await();
        return 0;
    }

    private static void closeQuietly(Component c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            LOG.warn("{} did not stop cleanly: {}", c.name(), e.toString());
        }
    }

    @Command(name = "sensor", description = "Run the commit sensor of this region.")
    static final class Sensor extends ComponentCommand {
        @Override
        List<Component> components(ReplicationConfig config) {
            return List.of();
        }
    }

    @Command(name = "validator", description = "Run the validator of this region.")
    static final class Validator extends ComponentCommand {
        @Override
        List<Component> components(ReplicationConfig config) {
            return List.of();
        }
    }

    @Command(name = "promoter", description = "Run the promoter and mirrors manager of this region.")
    static final class Promoter extends ComponentCommand {
        @Override
        List<Component> components(ReplicationConfig config) {
            return List.of();
        }
    }

    @Command(name = "api", description = "Serve the REST API on listen_address.")
    static final class Api extends ComponentCommand {
        @Override
        List<Component> components(ReplicationConfig config) {
            return List.of();
        }
    }

    @Command(name = "all", description = "Run every component of this region in one process.")
    static final class All extends ComponentCommand {
        @Override
        List<Component> components(ReplicationConfig config) {
            return List.of();
        }
    }
}
