package io.lakemirror.launcher;

import io.lakemirror.config.ConfigException;
import io.lakemirror.domain.ReplicationException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/replication}. */
@Command(name = "replication", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Transactional cross-region mirroring for lakeFS repositories.",
        subcommands = {
            ComponentCommand.Sensor.class,
            ComponentCommand.Validator.class,
            ComponentCommand.Promoter.class,
            ComponentCommand.Api.class,
            ComponentCommand.All.class,
            ConfigCommand.class,
            GravelerCommand.class,
            FailoverCommand.class,
            RepairCommand.class,
            AuditCommand.class,
            MirrorsCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    /** Exit status for a configuration or usage problem, or a startup check that failed ({@link StartupException}). */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;

    Main(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status; never throws. */
    public static int run(String... args) {
        return commandLine(System.getenv()).execute(args);
    }

    /**
     * The command line, reading {@code REPLICATION_*} overrides from {@code environment}. The sandbox
     * module adds its own commands to it.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new Main(environment));
        cli.setExecutionExceptionHandler(Main::handle);
        return cli;
    }

    /** The environment of the root command of {@code spec}'s command line. */
    public static Map<String, String> environment(CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).environment;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof ConfigException || e instanceof StartupException) {
            err.println(e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        if (e instanceof ReplicationException known) {
            err.println("error: " + known.getMessage());
        } else {
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("command failed", e);
        }
        err.flush();
        return 1;
    }

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lakemirror " + (v == null ? "development build" : v)};
        }
    }
}
