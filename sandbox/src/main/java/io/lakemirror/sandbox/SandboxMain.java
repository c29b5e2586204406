package io.lakemirror.sandbox;

import io.lakemirror.launcher.Main;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of {@code bin/replication sandbox} and {@code bin/replication bench}: the production
 * command line with the commands that start the test world added, on a classpath that carries the
 * test servers. The production runnable never sees them.
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status; never throws. */
    public static int run(String... args) {
        return commandLine(System.getenv()).execute(args);
    }

    /** The production command line plus {@code sandbox} and {@code bench}. */
    public static CommandLine commandLine(Map<String, String> environment) {
        return Main.commandLine(environment)
                .addSubcommand(new SandboxCommand())
                .addSubcommand(new BenchCommand());
    }
}
