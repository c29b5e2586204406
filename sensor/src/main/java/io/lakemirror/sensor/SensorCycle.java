package io.lakemirror.sensor;

import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.SensorStateWriter;
import io.lakemirror.store.StorePage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over every mirror this sensor is responsible for: ACTIVE mirrors (not being deleted)
 * whose source region is this one. Each is scanned on the mirror executor once this sensor holds
 * its lease; a mirror another sensor holds is skipped. One mirror's failure never holds up the
 * others. Keeps this sensor's leases between cycles so that they can be released on shutdown.
 *
 * <p>Not reentrant: {@link CommitSensor} runs one cycle at a time.
 */
final class SensorCycle {
    private static final Logger LOG = LoggerFactory.getLogger(SensorCycle.class);

    private final SensorStateWriter database;
    private final MirrorScanner scanner;
    private final Executor mirrorExecutor;
    private final SensorSettings settings;
    private final Clock clock;
    private final SensorMetrics metrics;
    private final BooleanSupplier running;
    private final Map<MirrorId, SourceLease> leases = new ConcurrentHashMap<>();

    SensorCycle(SensorStateWriter database, MirrorScanner scanner, Executor mirrorExecutor, SensorSettings settings,
                Clock clock, SensorMetrics metrics, BooleanSupplier running) {
        this.database = database;
        this.scanner = scanner;
        this.mirrorExecutor = mirrorExecutor;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.running = running;
    }

    /** Whether this sensor scans {@code mirror}, and if not, why (for TRACE logs). */
    private Optional<String> notMine(MirrorRecord mirror) {
        MirrorSpec spec = mirror.spec();
        if (!spec.sourceRegion().equals(settings.region())) {
            return Optional.of("its source region is " + spec.sourceRegion());
        }
        if (spec.isDeleteRequested()) {
            return Optional.of("deletion was requested");
        }
        if (mirror.state() != MirrorState.ACTIVE) {
            return Optional.of("it is " + mirror.state() + ", not ACTIVE");
        }
        return Optional.empty();
    }

    CycleReport run() throws InterruptedException {
        long started = System.nanoTime();
        List<CompletableFuture<MirrorScanReport>> scans = new ArrayList<>();
        List<MirrorSpec> specs = new ArrayList<>();
        AtomicInteger skipped = new AtomicInteger();
        Set<MirrorId> mine = new HashSet<>();
        Optional<String> after = Optional.empty();
        try {
            do {
                StorePage<MirrorRecord> page = database.listMirrors(after, settings.listMirrorsPageSize());
                for (MirrorRecord mirror : page.items()) {
                    Optional<String> reason = notMine(mirror);
                    if (reason.isPresent()) {
                        LOG.trace("mirror {}: not scanned ({})", mirror.spec().id(), reason.get());
                        continue;
                    }
                    if (!running.getAsBoolean()) {
                        break;
                    }
                    MirrorSpec spec = mirror.spec();
                    mine.add(spec.id());
                    SourceLease lease = leases.computeIfAbsent(spec.id(), id -> new SourceLease(database, id,
                            settings.owner(), settings.leaseDuration(), clock));
                    specs.add(spec);
                    scans.add(CompletableFuture.supplyAsync(() -> scanIfLeased(spec, lease, skipped), mirrorExecutor));
                }
                after = page.nextAfter();
            } while (after.isPresent() && running.getAsBoolean());
        } catch (RuntimeException e) {
            LOG.warn("sensor {}: listing mirrors failed: {}; {} mirrors listed so far are scanned, the rest next cycle"
                    + " in {}", settings.owner(), e.getMessage(), specs.size(), settings.interval());
        }
        leases.keySet().retainAll(mine);
        scanner.retainOnly(mine);

        List<MirrorScanReport> reports = new ArrayList<>();
        try {
            for (int i = 0; i < scans.size(); i++) {
                try {
                    MirrorScanReport report = scans.get(i).get();
                    if (report != null) {
                        reports.add(report);
                    }
                } catch (ExecutionException | CancellationException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    MirrorSpec spec = specs.get(i);
                    LOG.warn("mirror {} ({}): the scan did not run ({}); retried next cycle in {}", spec.id(),
                            spec.describe(), cause.toString(), settings.interval());
                    reports.add(MirrorScanReport.failed(spec.id(), cause.toString()));
                }
            }
        } catch (InterruptedException e) {
            scans.forEach(f -> f.cancel(true));
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.cycle(took);
        CycleReport report = CycleReport.of(reports, skipped.get(), took);
        if (report.quiet()) {
            LOG.debug("sensor {} ({}): {}", settings.owner(), settings.region(), report);
        } else {
            LOG.info("sensor {} ({}): {}", settings.owner(), settings.region(), report);
        }
        return report;
    }

    /** The scan of one mirror, or null when another sensor holds its lease. */
    private MirrorScanReport scanIfLeased(MirrorSpec spec, SourceLease lease, AtomicInteger skipped) {
        long started = System.nanoTime();
        try {
            if (!running.getAsBoolean()) {
                return null;
            }
            if (!lease.holdOrAcquire()) {
                LOG.trace("mirror {}: not scanned (another sensor holds its scan lease)", spec.id());
                skipped.incrementAndGet();
                metrics.skipped();
                return null;
            }
            MirrorScanReport report = scanner.scan(spec, lease);
            metrics.scanned(report, Duration.ofNanos(System.nanoTime() - started));
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("sensor stopping");
        } catch (RuntimeException e) {
            metrics.failure("mirror", ReplicationException.isRetryable(e));
            LOG.warn("mirror {} ({}): taking the scan lease failed: {}; retried next cycle in {}", spec.id(),
                    spec.describe(), e.getMessage(), settings.interval());
            MirrorScanReport report = MirrorScanReport.failed(spec.id(), "taking the scan lease failed: " + e.getMessage());
            metrics.scanned(report, Duration.ofNanos(System.nanoTime() - started));
            return report;
        }
    }

    /** Lets other sensors take this sensor's mirrors at once; best effort until {@code deadlineNanos}, for shutdown. */
    void releaseLeases(long deadlineNanos) {
        int released = 0;
        for (SourceLease lease : leases.values()) {
            if (System.nanoTime() > deadlineNanos) {
                LOG.info("sensor {}: {} scan leases not released in time; they lapse by themselves within {}",
                        settings.owner(), leases.size() - released, settings.leaseDuration());
                break;
            }
            try {
                lease.release();
                released++;
            } catch (RuntimeException e) {
                LOG.info("sensor {}: releasing a scan lease failed ({}); it lapses by itself within {}",
                        settings.owner(), e.getMessage(), settings.leaseDuration());
            }
        }
        leases.clear();
        LOG.debug("sensor {}: released {} scan leases", settings.owner(), released);
    }
}
