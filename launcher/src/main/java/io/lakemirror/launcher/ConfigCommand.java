package io.lakemirror.launcher;

import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.config.ConfigReference;
import io.lakemirror.config.ReplicationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config check} and {@code config reference}. */
@Command(name = "config", description = "Check a configuration or print the configuration reference.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Reference.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", description = "Validate a configuration (file plus REPLICATION_* environment) and print"
            + " the effective configuration as YAML, secrets masked. Exits 2 listing every problem.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConfigFileOption config;

        @Override
        public Integer call() {
            ReplicationConfig loaded = config.load(spec);
            spec.commandLine().getOut().print(ConfigPrinter.toYaml(loaded.values()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "reference", description = "Print the configuration reference (Markdown), generated from the key declarations.")
    static final class Reference implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            String markdown = ConfigReference.markdown();
            if (output == null) {
                spec.commandLine().getOut().print(markdown);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(output, markdown);
            }
            return 0;
        }
    }
}
