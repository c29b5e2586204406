package io.lakemirror.launcher;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code -c/--config} option of every command that reads a region's configuration, declared once
 * so that its name, label and precedence rule (environment over file) are the same everywhere.
 */
final class ConfigFileOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration of this region; REPLICATION_* environment variables override it.")
    Path file;

    /** The configuration from the file, if one was given, and the environment of {@code spec}'s command line. */
    ReplicationConfig load(CommandLine.Model.CommandSpec spec) {
        return ConfigLoader.load(Optional.ofNullable(file), Main.environment(spec));
    }
}
