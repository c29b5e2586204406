package io.lakemirror.sensor;

import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.runtime.Component;
import io.lakemirror.store.SensorStateWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit sensor of one region (docs/architecture.md §2, docs/design/pipeline.md "Sensor"): every
 * {@code commit_sensor.process_branches_duration} it scans the source branches of every ACTIVE
 * mirror whose source is this region and announces new heads, resets and deletions as
 * {@code CommitsDetected} sequences on the destination region's queue.
 *
 * <h2>Threads</h2>
 * A single scheduler thread ({@code lakemirror-sensor-scheduler}) runs one cycle at a time, with a
 * fixed delay between the end of one and the start of the next, so a slow cycle is never stacked
 * on. Mirrors are scanned on {@code lakemirror-sensor-mirror-N} and branches on
 * {@code lakemirror-sensor-branch-N}, each a fixed pool of {@code branches_scanner_concurrency_limit}
 * threads: at most that many branch scans run at once, and one slow or failing repository occupies
 * one mirror thread while the others go on.
 *
 * <h2>Scan leases</h2>
 * Several sensor processes of one region share the mirrors through a per-mirror scan lease in the
 * mirrors database. The holder renews it whenever half of it has passed, at the start of a scan or
 * during a long one. Its duration is {@value SensorSettings#LEASE_INTERVALS} scan intervals, or ten
 * (at most 15 s) when the interval is short, so a one-second sensor writes it rarely: long enough
 * that a scan running over its interval, or a sensor missing one cycle, does not hand the mirror
 * back and forth between sensors; short enough that the mirrors of a sensor that died without
 * releasing its leases are picked up within a few minutes at the default interval. A sensor that
 * stops releases its leases. Correctness never rests on the lease: sensor-state writes are
 * conditional on the sequence, so a sensor paused past its lease loses the race instead of
 * reusing a sequence.
 *
 * <h2>Stopping</h2>
 * {@link #close()} stops dispatching, lets branch scans in flight finish for one interval (at most
 * five seconds), then
 * interrupts what is left and returns within {@link #CLOSE_TIMEOUT}. An interrupted sequence is
 * left {@code sent: false} and is resent, identically, by the next sensor to scan the mirror.
 */
public final class CommitSensor implements Component {
    /** The longest {@link #close()} takes. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);
    /** How long scans in flight may finish on close: one interval, at most this. */
    private static final Duration MAX_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(CommitSensor.class);

    private final SensorSettings settings;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor mirrorPool;
    private final ThreadPoolExecutor branchPool;
    private final SensorCycle cycle;
    private final MirrorScanner mirrors;
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public CommitSensor(SensorSettings settings, LakeFs lakeFs, SensorStateWriter database, CommitsQueue queue,
                        Clock clock, MeterRegistry meters) {
        this(settings, lakeFs, database, queue, clock, meters, CommitCollector.DEFAULT_IN_MEMORY_LIMIT);
    }

    /** As the public constructor, streaming every sequence of more than {@code inMemoryCommits} new commits (tests). */
    CommitSensor(SensorSettings settings, LakeFs lakeFs, SensorStateWriter database, CommitsQueue queue,
                 Clock clock, MeterRegistry meters, int inMemoryCommits) {
        this.settings = settings;
        SensorMetrics metrics = new SensorMetrics(meters);
        this.scheduler = new ScheduledThreadPoolExecutor(1, threads("lakemirror-sensor-scheduler", false));
        this.mirrorPool = fixedPool(settings.concurrencyLimit(), "lakemirror-sensor-mirror-");
        this.branchPool = fixedPool(settings.concurrencyLimit(), "lakemirror-sensor-branch-");
        CommitCollector collector = new CommitCollector(lakeFs, database, settings.logCommitPageSize(),
                inMemoryCommits);
        BatchPlanner planner = new BatchPlanner(settings.maxMessageBytes());
        BranchScanner branches = new BranchScanner(database, queue, collector, planner, settings.organizationId(),
                settings.interval(), metrics);
        this.mirrors = new MirrorScanner(lakeFs, database, branches, branchPool, settings, clock, metrics,
                this::isRunning);
        this.cycle = new SensorCycle(database, mirrors, mirrorPool, settings, clock, metrics, this::isRunning);
    }

    /** Mirrors the scanner keeps bookkeeping for (tests of its bound). */
    int rememberedMirrors() {
        return mirrors.remembered();
    }

    private static ThreadPoolExecutor fixedPool(int size, String prefix) {
        return new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                threads(prefix, true));
    }

    private static ThreadFactory threads(String name, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String name() {
        return "sensor";
    }

    private boolean isRunning() {
        return !closed.get();
    }

    @Override
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("sensor " + settings.owner() + " is closed; create a new one");
        }
        if (!started.compareAndSet(false, true)) {
            return;
        }
        LOG.info("sensor {} starting in {}: scanning mirrors with source {} every {}, {} branch scans at once, pages"
                        + " of {} branches and {} commits, hidden branches {}, scan lease {}, messages up to {} bytes",
                settings.owner(), settings.region(), settings.region(), settings.interval(), settings.concurrencyLimit(),
                settings.listBranchPageSize(), settings.logCommitPageSize(),
                settings.includeHiddenBranches() ? "included" : "excluded", settings.leaseDuration(),
                settings.maxMessageBytes());
        scheduler.scheduleWithFixedDelay(this::scheduledCycle, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduledCycle() {
        try {
            runOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // A throwing task would silently cancel every later cycle of a ScheduledExecutorService.
            LOG.error("sensor {}: the scan cycle failed unexpectedly; the next cycle starts in {}", settings.owner(),
                    settings.interval(), e);
        }
    }

    /**
     * Runs one scan cycle now, on the calling thread, waiting for any cycle in progress first. For
     * tests and benchmarks; a started sensor runs cycles by itself.
     */
    public CycleReport runOnce() throws InterruptedException {
        if (closed.get()) {
            throw new IllegalStateException("sensor " + settings.owner() + " is closed");
        }
        cycleLock.lockInterruptibly();
        try {
            return cycle.run();
        } finally {
            cycleLock.unlock();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        Duration grace = settings.interval().compareTo(MAX_GRACE) < 0 ? settings.interval() : MAX_GRACE;
        LOG.info("sensor {} stopping: no new scans; waiting up to {} for scans in flight", settings.owner(), grace);
        scheduler.shutdown();
        mirrorPool.shutdown();
        branchPool.shutdown();
        long deadline = started + CLOSE_TIMEOUT.toNanos();
        boolean interrupted = false;
        try {
            if (!awaitAll(started + grace.toNanos())) {
                LOG.info("sensor {}: interrupting scans still running after {}; their sequences are resent by the next"
                        + " scan", settings.owner(), grace);
                scheduler.shutdownNow();
                mirrorPool.shutdownNow();
                branchPool.shutdownNow();
                if (!awaitAll(deadline - 2_000_000_000L)) {
                    LOG.warn("sensor {}: some scan threads did not stop within {}; they are daemon threads and are"
                            + " abandoned", settings.owner(), CLOSE_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            scheduler.shutdownNow();
            mirrorPool.shutdownNow();
            branchPool.shutdownNow();
        }
        cycle.releaseLeases(deadline);
        LOG.info("sensor {} stopped in {} ms", settings.owner(), (System.nanoTime() - started) / 1_000_000);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitAll(long deadlineNanos) throws InterruptedException {
        for (ExecutorService pool : List.of(scheduler, mirrorPool, branchPool)) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !pool.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
