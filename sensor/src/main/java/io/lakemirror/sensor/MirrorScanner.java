package io.lakemirror.sensor;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SensorStateWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans one mirror's source repository while holding its lease: resends sequences left unsent
 * (before anything else), lists the source branches, compares every head with the branch's sensor
 * state, and hands each changed branch to a {@link BranchScanner} on the bounded branch executor.
 * An unchanged branch costs no lakeFS call beyond the listing.
 *
 * <p>The outcome goes to the mirror's source status ({@link SensorStateWriter#recordScan}): a failure
 * (the source repository disappeared, lakeFS unavailable, some branches failing) is shown there
 * until a clean scan clears it.
 *
 * <p>Thread-safe: every scan has its own state.
 */
final class MirrorScanner {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorScanner.class);

    private final LakeFs lakeFs;
    private final SensorStateWriter database;
    private final BranchScanner branches;
    private final Executor branchExecutor;
    private final SensorSettings settings;
    private final Clock clock;
    private final SensorMetrics metrics;
    private final BooleanSupplier running;
    /**
     * What was last written by {@code recordScan} for each mirror, to skip writes that change nothing;
     * pruned to the mirrors this sensor still scans ({@link #retainOnly}).
     */
    private final Map<MirrorId, RecordedScan> recorded = new ConcurrentHashMap<>();
    /** When each mirror's source repository was last found to be the one its spec names; pruned likewise. */
    private final Map<MirrorId, Instant> sourceVerified = new ConcurrentHashMap<>();

    private record RecordedScan(Instant at, Optional<String> error) {
    }

    /** Thrown when the source repository is not the one the mirror follows: it was deleted and recreated. */
    static final class SourceReplacedException extends io.lakemirror.domain.NonRetryableException {
        private static final long serialVersionUID = 1L;

        SourceReplacedException(String message) {
            super(message);
        }
    }

    /** Forgets what this scanner remembers of mirrors it no longer scans (deleted, or moved to another sensor). */
    void retainOnly(java.util.Set<MirrorId> mirrors) {
        recorded.keySet().retainAll(mirrors);
        sourceVerified.keySet().retainAll(mirrors);
    }

    /** Mirrors this scanner remembers something of, for tests of the bound. */
    int remembered() {
        java.util.Set<MirrorId> all = new java.util.HashSet<>(recorded.keySet());
        all.addAll(sourceVerified.keySet());
        return all.size();
    }

    MirrorScanner(LakeFs lakeFs, SensorStateWriter database, BranchScanner branches, Executor branchExecutor,
                  SensorSettings settings, Clock clock, SensorMetrics metrics, BooleanSupplier running) {
        this.lakeFs = lakeFs;
        this.database = database;
        this.branches = branches;
        this.branchExecutor = branchExecutor;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.running = running;
    }

    /** A branch scan to run, with the reason it is needed (for TRACE logs). */
    private record Task(BranchId branch, Supplier<BranchResult> work) {
    }

    /** Scans {@code spec}'s source once; the caller holds {@code lease}. */
    MirrorScanReport scan(MirrorSpec spec, SourceLease lease) throws InterruptedException {
        MirrorScanReport report;
        try {
            report = scanHoldingLease(spec, lease);
        } catch (SourceLease.LostException e) {
            LOG.info("mirror {} ({}): {}", spec.id(), spec.describe(), e.getMessage());
            return MirrorScanReport.lostLease(spec.id());
        } catch (RuntimeException e) {
            report = MirrorScanReport.failed(spec.id(), describeFailure(spec, e));
        }
        Instant now = clock.instant();
        RecordedScan last = recorded.get(spec.id());
        if (last != null && last.error().equals(report.error())
                && now.isBefore(last.at().plus(settings.scanRecordInterval()))) {
            LOG.trace("mirror {}: scan outcome unchanged since {}; not recorded again before {}", spec.id(), last.at(),
                    last.at().plus(settings.scanRecordInterval()));
            return report;
        }
        try {
            database.recordScan(spec.id(), lease.owner(), now, report.error());
            recorded.put(spec.id(), new RecordedScan(now, report.error()));
        } catch (StaleWriteException e) {
            recorded.remove(spec.id());
            LOG.info("mirror {} ({}): the scan finished after another sensor took the lease ({}); that sensor"
                    + " reports the next scan", spec.id(), spec.describe(), e.getMessage());
        } catch (RuntimeException e) {
            recorded.remove(spec.id());
            LOG.warn("mirror {} ({}): recording the scan outcome failed: {}; it is recorded again after the next scan"
                    + " in {}", spec.id(), spec.describe(), e.getMessage(), settings.interval());
        }
        return report;
    }

    private String describeFailure(MirrorSpec spec, RuntimeException e) {
        boolean retryable = ReplicationException.isRetryable(e);
        metrics.failure("mirror", retryable);
        String next = "; its branches stay as they are and the source is scanned again next cycle in "
                + settings.interval();
        if (e instanceof SourceReplacedException) {
            LOG.warn("mirror {} ({}): {}", spec.id(), spec.describe(), e.getMessage());
            return e.getMessage();
        }
        if (e instanceof NotFoundException) {
            String error = "source repository " + spec.sourceRepository() + " was not found on the lakeFS of "
                    + spec.sourceRegion() + " (" + e.getMessage() + ")";
            LOG.warn("mirror {} ({}): {}{}", spec.id(), spec.describe(), error, next);
            return error;
        }
        String error = "scanning source repository " + spec.sourceRepository() + " failed: "
                + (e.getMessage() == null ? e.toString() : e.getMessage());
        if (e instanceof ReplicationException) {
            LOG.warn("mirror {} ({}): {}{}", spec.id(), spec.describe(), error, next);
        } else {
            LOG.warn("mirror {} ({}): {}{}", spec.id(), spec.describe(), error, next, e);
        }
        return error;
    }

    private MirrorScanReport scanHoldingLease(MirrorSpec spec, SourceLease lease) throws InterruptedException {
        BranchScanner.MirrorContext mirror = new BranchScanner.MirrorContext(spec, lease, new ConcurrentHashMap<>());
        Map<BranchId, SensorBranchState> states = new TreeMap<>();
        database.listSensorBranchStates(spec.id()).forEach(s -> states.put(s.branch(), s));

        List<Task> resends = new ArrayList<>();
        if (states.values().stream().anyMatch(st -> !st.sent())) {
            verifySource(spec, true);
        }
        for (SensorBranchState s : states.values()) {
            if (!s.sent()) {
                LOG.trace("mirror {} branch {}: resend sequence {} first (its state says it was never fully sent)",
                        spec.id(), s.branch(), s.sequence());
                resends.add(new Task(s.branch(), () -> branches.resend(mirror, s)));
            }
        }
        List<BranchResult> results = new ArrayList<>(runAll(spec, resends));
        for (BranchResult r : results) {
            r.state().ifPresent(s -> states.put(s.branch(), s));
        }
        if (results.stream().anyMatch(BranchResult::raceLost)) {
            lease.ensureHeld();
        }

        List<Branch> listed = listBranches(spec);
        Instant sensedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Task> changes = new ArrayList<>();
        Map<BranchId, CommitId> heads = new TreeMap<>();
        for (Branch b : listed) {
            heads.put(b.id(), b.commitId());
            SensorBranchState s = states.get(b.id());
            if (s == null) {
                LOG.trace("mirror {} branch {}: new branch at {} (no sensor state yet)", spec.id(), b.id(), b.commitId());
            } else if (!s.sent()) {
                LOG.trace("mirror {} branch {}: skipped (sequence {} could not be resent; retried next cycle)",
                        spec.id(), b.id(), s.sequence());
                continue;
            } else if (s.head().equals(Optional.of(b.commitId()))) {
                LOG.trace("mirror {} branch {}: unchanged (head {} sent at sequence {})", spec.id(), b.id(),
                        b.commitId(), s.sequence());
                continue;
            } else {
                LOG.trace("mirror {} branch {}: head moved from {} (sequence {}) to {}", spec.id(), b.id(),
                        s.head().map(CommitId::value).orElse("(deleted)"), s.sequence(), b.commitId());
            }
            Optional<SensorBranchState> previous = Optional.ofNullable(s);
            changes.add(new Task(b.id(), () -> branches.advance(mirror, b.id(), Optional.of(b.commitId()), previous,
                    sensedAt)));
        }
        for (SensorBranchState s : states.values()) {
            if (!heads.containsKey(s.branch()) && s.sent() && !s.isDeletion()) {
                LOG.trace("mirror {} branch {}: deleted at the source (last head {} at sequence {})", spec.id(),
                        s.branch(), s.head().get(), s.sequence());
                changes.add(new Task(s.branch(), () -> branches.advance(mirror, s.branch(), Optional.empty(),
                        Optional.of(s), sensedAt)));
            }
        }
        // Before anything is announced: a recreated source must not feed its unrelated history to the mirror.
        verifySource(spec, !changes.isEmpty());
        results.addAll(runAll(spec, changes));
        return summarize(spec, listed.size(), resends.size() + changes.size(), results);
    }

    /**
     * Checks that the source repository is still the one the mirror was created for (same creation
     * date and storage namespace as the spec's source identity): before any sequence is announced
     * ({@code now}), and otherwise once every {@link SensorSettings#scanRecordInterval()}. A spec
     * without identity (created before it was recorded) is not checked.
     *
     * @throws SourceReplacedException when the repository was deleted and recreated under the same name
     */
    private void verifySource(MirrorSpec spec, boolean now) {
        if (spec.sourceIdentity().isEmpty()) {
            return;
        }
        Instant at = clock.instant();
        Instant last = sourceVerified.get(spec.id());
        if (!now && last != null && at.isBefore(last.plus(settings.scanRecordInterval()))) {
            return;
        }
        MirrorSpec.SourceIdentity expected = spec.sourceIdentity().get();
        Repository source = lakeFs.getRepository(spec.sourceRepository());
        MirrorSpec.SourceIdentity actual = new MirrorSpec.SourceIdentity(source.creationDate(), source.storageNamespace());
        if (!actual.equals(expected)) {
            sourceVerified.remove(spec.id());
            metrics.sourceReplaced();
            throw new SourceReplacedException("source repository " + spec.sourceRepository() + " on the lakeFS of "
                    + spec.sourceRegion() + " is not the repository this mirror follows: it was " + expected
                    + ", it is now " + actual + " (deleted and recreated under the same name). Mirroring stopped:"
                    + " nothing of the new repository's history is sent. Delete this mirror, and create a new one to"
                    + " mirror the new repository");
        }
        sourceVerified.put(spec.id(), at);
    }

    private List<Branch> listBranches(MirrorSpec spec) {
        PageRequest first = PageRequest.first(settings.listBranchPageSize());
        List<Branch> out = new ArrayList<>();
        Page<Branch> page = lakeFs.listBranches(spec.sourceRepository(), first, settings.includeHiddenBranches());
        out.addAll(page.results());
        while (page.hasMore()) {
            page = lakeFs.listBranches(spec.sourceRepository(), first.next(page), settings.includeHiddenBranches());
            out.addAll(page.results());
        }
        return out;
    }

    /** Runs the tasks on the branch executor, at most the concurrency limit at once, and waits for all. */
    private List<BranchResult> runAll(MirrorSpec spec, List<Task> tasks) throws InterruptedException {
        List<CompletableFuture<BranchResult>> futures = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            futures.add(CompletableFuture.supplyAsync(() -> running.getAsBoolean() ? t.work().get()
                    : BranchResult.skipped(), branchExecutor));
        }
        List<BranchResult> results = new ArrayList<>(tasks.size());
        try {
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException | CancellationException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    results.add(BranchResult.failed("branch " + tasks.get(i).branch() + ": " + cause));
                    LOG.warn("mirror {} ({}) branch {}: the scan did not run ({}); retried next cycle in {}",
                            spec.id(), spec.describe(), tasks.get(i).branch(), cause.toString(), settings.interval());
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return results;
    }

    private MirrorScanReport summarize(MirrorSpec spec, int listed, int changed, List<BranchResult> results) {
        int sequences = 0;
        int messages = 0;
        int commits = 0;
        int claimChecked = 0;
        int races = 0;
        List<String> errors = new ArrayList<>();
        for (BranchResult r : results) {
            sequences += r.state().isPresent() ? 1 : 0;
            messages += r.messages();
            commits += r.commits();
            claimChecked += r.claimChecked();
            races += r.raceLost() ? 1 : 0;
            r.error().ifPresent(errors::add);
        }
        Optional<String> error = errors.isEmpty() ? Optional.empty() : Optional.of(errors.size() + " of " + changed
                + " changed branches failed and are retried next cycle; first: " + errors.get(0));
        LOG.debug("mirror {} ({}): {} branches listed, {} changed, {} sequences sent in {} messages with {} commits,"
                + " {} failed", spec.id(), spec.describe(), listed, changed, sequences, messages, commits, errors.size());
        return new MirrorScanReport(spec.id(), listed, changed, sequences, messages, commits, claimChecked, races,
                errors.size(), error);
    }
}
