package io.lakemirror.launcher;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.logging.Logging;
import io.lakemirror.promoter.BranchRepair;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code repair}: puts one mirror branch's pipeline state back in line with the source sensor's record. */
@Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {
            "Reset one mirror branch's pipeline state from the source's truth, when it is stuck (see docs/operations.md,"
                + " \"Repairing a branch\").",
            "",
            "The source sensor's sequence for the branch is the truth. A validated or promoted sequence above it (never"
                + " sensed: a forged or corrupted message) is lowered to just below it, keeping the head the mirror branch"
                + " has; errors and an expired promotion lease are cleared; and the sensor's head, if not validated, is"
                + " recorded as waiting with its commit record read from the source and hash-checked, so the validator's"
                + " re-check pass checks its files and admits it.",
            "",
            "The command never writes to the mirror repository: the branch then moves only through validation and"
                + " promotion, to the head the sensor recorded, so it never moves to an incomplete commit or to one the"
                + " source branch never had. It changes nothing while a promoter holds the branch.",
            "",
            "Run it in the mirror's region, with that region's configuration.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:repaired (or, with --dry-run, planned), or nothing to repair",
            "1:not repaired: a promoter holds the branch, the state changed meanwhile, or a store or lakeFS failed; run"
                + " again", "2:invalid options or configuration"})
final class RepairCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigFileOption config;

    @Option(names = "--mirror", required = true, paramLabel = "MIRROR",
            description = "The mirror: its ID, or the name of its repository in this region.")
    String mirror;

    @Option(names = "--branch", required = true, paramLabel = "BRANCH", description = "The branch to repair.")
    String branch;

    @Option(names = "--dry-run", description = "Read everything and print the repair; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        BranchId branchId;
        try {
            branchId = BranchId.of(branch);
        } catch (InvalidInputException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_USAGE;
        }
        ReplicationConfig loaded = config.load(spec);
        Logging.configure(loaded.logging().level(), loaded.logging().format());
        try (Backends backends = Backends.of(loaded, UnaryOperator.identity())) {
            return run(repair(backends), mirror, branchId, dryRun, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
    }

    /** The repair of the region {@code backends} serve. */
    static BranchRepair repair(Backends backends) {
        return new BranchRepair(backends.config().region(), backends.mirrorsDatabase(), backends.refstore(),
                backends.localLakeFs(), backends::lakeFs, Clock.systemUTC());
    }

    /** Plans (and unless {@code dryRun} writes) the repair of {@code mirror}/{@code branch}, printing it; the exit status. */
    static int run(BranchRepair repair, String mirror, BranchId branch, boolean dryRun, PrintWriter out, PrintWriter err) {
        MirrorSpec spec;
        BranchRepair.Plan plan;
        try {
            spec = repair.find(mirror);
        } catch (NotFoundException e) {
            return usage(err, e);
        }
        try {
            plan = dryRun ? repair.plan(spec, branch) : repair.repair(spec, branch);
        } catch (InvalidInputException e) {
            return usage(err, e);
        } catch (StaleWriteException e) {
            print(repair.plan(spec, branch), out);
            out.flush();
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
        print(plan, out);
        if (!plan.changes()) {
            out.println("Nothing to repair.");
        } else if (dryRun) {
            out.println("Dry run: nothing was written. Run again without --dry-run to repair.");
        } else {
            out.println("Repaired. " + next(plan));
        }
        out.flush();
        return 0;
    }

    private static int usage(PrintWriter err, RuntimeException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return Main.EXIT_USAGE;
    }

    private static String next(BranchRepair.Plan plan) {
        if (plan.after().waiting().isPresent()) {
            return "The validator's re-check pass admits sequence " + plan.after().waiting().get().sequence()
                    + " once its files are present (within validator.run_interval), then the promoter moves the branch.";
        }
        return "The pipeline takes the branch from here; the source's next commit travels as usual.";
    }

    private static void print(BranchRepair.Plan plan, PrintWriter out) {
        out.println("mirror " + plan.spec().id() + " (" + plan.spec().sourceRepository() + "@" + plan.spec().sourceRegion()
                + " → " + plan.spec().name() + "@" + plan.spec().destinationRegion() + "), branch " + plan.branch());
        out.println("  sensor:  " + plan.sensed().map(s -> "sequence " + s.sequence() + ", head " + head(s.head())
                + (s.sent() ? "" : " (still being sent)")).orElse("nothing recorded"));
        out.println("  source:  " + plan.sourceHead().map(RepairCommand::head).orElse("(did not answer)"));
        out.println("  mirror:  " + head(plan.mirrorHead()));
        out.println("  state:   " + describe(plan.before()));
        out.println("  repair:  " + (plan.changes() ? describe(plan.after()) : "(unchanged)"));
        plan.notes().forEach(n -> out.println("  - " + n));
    }

    private static String head(Optional<CommitId> head) {
        return head.map(CommitId::value).orElse("(no branch)");
    }

    private static String describe(BranchState s) {
        return "validated " + s.validated().map(v -> v.sequence() + " at " + head(v.head())).orElse("none")
                + "; waiting " + s.waiting().map(w -> w.sequence() + " at " + w.head()).orElse("none")
                + "; promoted " + s.promoted().map(p -> p.sequence() + " at " + head(p.head())).orElse("none")
                + "; lease " + s.promotion().map(l -> l.owner() + " until " + l.until()).orElse("none")
                + "; errors " + (s.validatorError().isPresent() || s.promoterError().isPresent()
                        ? String.join(" / ", s.validatorError().map(BranchState.ErrorInfo::message).orElse("-"),
                                s.promoterError().map(BranchState.ErrorInfo::message).orElse("-"))
                        : "none");
    }
}
