package io.lakemirror.launcher;

import io.lakemirror.audit.AuditOptions;
import io.lakemirror.audit.AuditReport;
import io.lakemirror.audit.AuditReportJson;
import io.lakemirror.audit.AuditReportText;
import io.lakemirror.audit.AuditTarget;
import io.lakemirror.audit.MirrorAudit;
import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.logging.Logging;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorsReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit}: checks a live mirror against its source and its bucket (invariants I1, I2, I5, I6). */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {
            "Check a live mirror against its source and its bucket, and report every breach of the invariants of"
                + " docs/architecture.md §8 per branch and tag, naming the invariant and the object (see docs/operations.md,"
                + " \"Auditing a mirror\"):",
            "  I1  every branch and tag head's metarange and ranges are in the mirror's bucket (--strict: every data"
                + " object too, with the size and ETag its range records);",
            "  I2  every mirror branch head is in the history of the source branch; every mirror tag names the source"
                + " tag's commit;",
            "  I5  every mirror commit hashes to its ID and has the source's parents, metarange and fields;",
            "  I6  the mirror repository is read-only and has no branch, tag or commit the source lacks.",
            "",
            "A source reset or deletion the service is still applying is reported as pending, not as a violation. The"
                + " command only reads; it works with the configuration of either region.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:clean", "1:at least one violation (listed, each naming its invariant and object)",
            "2:invalid options or configuration, or no such mirror",
            "3:incomplete: lakeFS or the bucket failed before everything was checked, and nothing wrong was found in"
                + " what was"})
public final class AuditCommand implements Callable<Integer> {
    /** Exit status of an audit that found a violation. */
    public static final int EXIT_VIOLATIONS = 1;
    /** Exit status of an audit that could not check everything and found nothing wrong. */
    public static final int EXIT_INCOMPLETE = 3;
    private static final long PROGRESS_MILLIS = 250;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConfigFileOption config;

    @Option(names = "--mirror", required = true, paramLabel = "MIRROR",
            description = "The mirror's ID as the API returns it, or the name of its repository.")
    String mirror;

    @Option(names = "--strict", description = "Also check every data object of the head ranges (a HEAD request each).")
    boolean strict;

    @Option(names = "--json", description = "Print the report as JSON (the API's audit shape) instead of text.")
    boolean json;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "" + AuditOptions.DEFAULT_PARALLELISM,
            description = "Most bucket requests in flight at once; lakeFS gets half as many (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (parallelism < 1 || parallelism > 256) {
            err.println("error: --parallelism must be between 1 and 256, got " + parallelism);
            err.flush();
            return Main.EXIT_USAGE;
        }
        ReplicationConfig loaded = config.load(spec);
        // The report is the output: the audit's own log lines would repeat it on stderr.
        String level = loaded.logging().level();
        Logging.configure(level.equalsIgnoreCase("DEBUG") || level.equalsIgnoreCase("TRACE") ? level : "ERROR",
                loaded.logging().format());
        try (Backends backends = Backends.of(loaded, UnaryOperator.identity())) {
            return run(backends, backends.anyRegionBlockStore(), mirror, AuditOptions.defaults(strict).withParallelism(parallelism), json,
                    System.console() != null, spec.commandLine().getOut(), err);
        } catch (io.lakemirror.config.ConfigException | StartupException e) {
            throw e; // Main answers 2 with its message
        } catch (ReplicationException e) {
            // Main would answer 1, which here means "a violation was found".
            err.println("error: " + e.getMessage() + "; the audit did not finish");
            err.flush();
            return EXIT_INCOMPLETE;
        }
    }

    /**
     * Finds the mirror, audits it and prints the report; the exit status.
     *
     * @param bucket   reads the mirror's bucket (in the destination region, whichever region {@code backends} serve)
     * @param progress whether to draw a progress line on {@code err} while it runs (a terminal)
     */
    public static int run(Backends backends, BlockStore bucket, String mirror, AuditOptions options, boolean asJson,
                          boolean progress, PrintWriter out, PrintWriter err) {
        MirrorSpec spec;
        try {
            spec = find(backends.mirrorsDatabase(), backends.config(), mirror);
        } catch (NotFoundException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        } catch (ReplicationException e) {
            // Not 1: a script must never read "the mirrors database did not answer" as "a violation was found".
            err.println("error: cannot read the mirrors database: " + e.getMessage() + "; nothing was audited");
            err.flush();
            return EXIT_INCOMPLETE;
        }
        MirrorAudit audit;
        try {
            audit = new MirrorAudit(new AuditTarget(spec, backends.lakeFs(spec.sourceRegion()),
                    backends.lakeFs(spec.destinationRegion()), bucket, Optional.of(backends.mirrorsDatabase())), options,
                    Clock.systemUTC());
        } catch (ReplicationException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
        AuditReport report = progress ? withProgress(audit, err) : audit.run();
        out.print(asJson ? AuditReportJson.toText(report) + System.lineSeparator() : AuditReportText.render(report));
        out.flush();
        return exitStatus(report);
    }

    /** 0 clean, 1 violations, 3 incomplete. */
    public static int exitStatus(AuditReport report) {
        return switch (report.outcome()) {
            case CLEAN -> 0;
            case VIOLATIONS -> EXIT_VIOLATIONS;
            case INCOMPLETE -> EXIT_INCOMPLETE;
        };
    }

    private static AuditReport withProgress(MirrorAudit audit, PrintWriter err) {
        ScheduledExecutorService drawer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-progress");
            t.setDaemon(true);
            return t;
        });
        drawer.scheduleWithFixedDelay(() -> {
            err.print("\r\033[K" + audit.progress().describe());
            err.flush();
        }, 0, PROGRESS_MILLIS, TimeUnit.MILLISECONDS);
        try {
            return audit.run();
        } finally {
            drawer.shutdownNow();
            try {
                drawer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r\033[K");
            err.flush();
        }
    }

    /** The mirror by its ID, or by the name of its repository in any region this configuration knows. */
    static MirrorSpec find(MirrorsReader db, ReplicationConfig config, String mirror) {
        Optional<MirrorRecord> byId = MirrorId.RULE.accepts(mirror) ? db.getMirror(MirrorId.of(mirror)) : Optional.empty();
        if (byId.isPresent()) {
            return byId.get().spec();
        }
        if (RepositoryId.RULE.accepts(mirror)) {
            Set<Region> regions = new LinkedHashSet<>();
            regions.add(config.region());
            regions.addAll(config.dstEndpoints().keySet());
            for (Region region : regions) {
                Optional<MirrorRecord> byName = db.findByName(region, RepositoryId.of(mirror)).flatMap(db::getMirror);
                if (byName.isPresent()) {
                    return byName.get().spec();
                }
            }
        }
        throw new NotFoundException("no mirror with ID or repository name \"" + mirror + "\"; the API lists mirrors"
                + " (bin/replication mirrors list); nothing was audited");
    }
}
