package io.lakemirror.launcher;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.launcher.Backends;
import io.lakemirror.logging.Logging;
import io.lakemirror.promoter.Failover;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code failover}: a writable copy of a mirror, for when the source region is lost. */
@Command(name = "failover", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {
            "Make a mirror writable elsewhere when its source region is lost: creates a new writable repository on the"
                + " mirror's storage namespace in this region (no data is copied) holding every commit of every"
                + " mirror branch with identical commit IDs, and the mirror's branches at their heads.",
            "",
            "lakeFS cannot make a read-only repository writable, so the copy gets a name of its own (--to). The mirror"
                + " itself is left as it is; delete the mirror once the source region is back and no longer needed."
                + " Running the command again with the same --to completes an interrupted failover.",
            "",
            "Uses this region's lakeFS (regional_endpoint) and the replication user's keys from the configuration;"
                + " that user needs fs:CreateRepository, fs:AttachStorageNamespace, fs:CreateCommit, fs:CreateBranch and"
                + " fs:RevertBranch on the copy.",
            "",
            "The source's hooks cannot block it: each branch is created at an empty commit (no _lakefs_actions/, so no"
                + " pre-create-branch hook runs, which force would not prevent on a writable repository) and then"
                + " hard-reset to the mirror's head, which runs no hook. The empty commit stays in the copy, on no branch.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the copy is complete (or, with --dry-run, would be)", "1:lakeFS refused or failed; nothing"
            + " inconsistent is left, run again", "2:invalid options or configuration"})
final class FailoverCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigFileOption config;

    @Option(names = "--mirror", required = true, paramLabel = "REPOSITORY",
            description = "The read-only mirror repository in this region.")
    String mirror;

    @Option(names = "--to", required = true, paramLabel = "REPOSITORY",
            description = "Name of the writable repository to create.")
    String target;

    @Option(names = "--dry-run", description = "Read the mirror and print what would be created; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        RepositoryId mirrorId;
        RepositoryId targetId;
        try {
            mirrorId = RepositoryId.of(mirror);
            targetId = RepositoryId.of(target);
        } catch (InvalidInputException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_USAGE;
        }
        ReplicationConfig loaded = config.load(spec);
        Logging.configure(loaded.logging().level(), loaded.logging().format());
        PrintWriter out = spec.commandLine().getOut();
        try (Backends backends = Backends.of(loaded, UnaryOperator.identity())) {
            Failover failover = new Failover(backends.localLakeFs());
            Failover.Result result = dryRun ? failover.plan(mirrorId, targetId) : failover.copy(mirrorId, targetId);
            out.println((dryRun ? "would create " : "created ") + result.target() + " in " + loaded.region() + " on "
                    + result.storageNamespace() + ": " + result.commits() + " commits"
                    + (result.commitsAlreadyThere() > 0 ? " (" + result.commitsAlreadyThere() + " were already there)" : "")
                    + ", " + result.branches().size() + " branches (default " + result.defaultBranch() + ")");
            result.branches().forEach((branch, head) -> out.println("  " + branch + " at " + head));
            if (!dryRun) {
                out.println("Point writers at " + result.target() + " on " + loaded.regionalEndpoint() + ". The mirror "
                        + result.mirror() + " stays read-only; the source's newer commits, whose files never reached"
                        + " this region, are not in the copy.");
            }
            out.flush();
            return 0;
        }
    }
}
