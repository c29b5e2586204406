package io.lakemirror.validator;

import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import io.lakemirror.runtime.Component;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.ValidatedStateWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validator of one region (docs/architecture.md §2, docs/design/pipeline.md): consumes this region's
 * commits queue with {@code validator.num_workers} threads, stores the commit records each message
 * carries, and admits a sequence's head into the branch state only once its metarange and every
 * range are in the mirror's storage namespace (invariant I1). A pass every
 * {@code validator.run_interval} re-checks branches still waiting, independently of the queue.
 *
 * <p>Threads: {@code validator-worker-N} (queue consumers), {@code validator-handler-N} (the groups of
 * a received batch, handled concurrently), {@code validator-heartbeat} (keeps received messages
 * hidden while they are handled), {@code validator-files-N} (concurrent HEAD requests),
 * {@code validator-recheck} (the periodic pass). {@link #close()} stops receiving, lets in-flight
 * messages finish and waits at most the shutdown timeout.
 *
 * <p>The receive budget is the queue's own {@code maxReceiveCount}: the validator refuses to start on
 * a queue that would move a message after fewer than {@link CommitsQueue#MIN_MAX_RECEIVE_COUNT} receives.
 */
public final class Validator implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Validator.class);

    /**
     * What the validator talks to.
     *
     * @param sourceCommits where claim-checked commits are read (the source region's lakeFS)
     */
    public record Ports(ValidatedStateWriter mirrors, Refstore refstore, CommitsQueue queue, BlockStore blockStore,
                        SourceCommits sourceCommits, Clock clock, MeterRegistry meters) {
        public Ports {
            Objects.requireNonNull(mirrors, "mirrors");
            Objects.requireNonNull(refstore, "refstore");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(blockStore, "blockStore");
            Objects.requireNonNull(sourceCommits, "sourceCommits");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(meters, "meters");
        }
    }

    private final ValidatorOptions options;
    private final Region region;
    private final Ports ports;
    private final ValidatorMetrics metrics;
    private final ExecutorService filePool;
    private final CommitsMessageHandler handler;
    private final RecheckPass recheckPass;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<Thread> workers = new ArrayList<>();
    private final ExecutorService groupPool;
    private ScheduledExecutorService scheduler;
    private WaitingWatch watch;
    private Heartbeats heartbeats;
    private boolean started;
    private boolean closed;

    /**
     * @throws io.lakemirror.domain.NonRetryableException when the queue's redrive policy moves messages
     *                                                    after fewer than {@link CommitsQueue#MIN_MAX_RECEIVE_COUNT}
     *                                                    receives: the validator could not hand a message over
     *                                                    before SQS moves it silently
     */
    public Validator(ValidatorOptions options, Region region, OrganizationId organization, Ports ports) {
        Objects.requireNonNull(options, "options");
        this.region = Objects.requireNonNull(region, "region");
        Objects.requireNonNull(organization, "organization");
        this.ports = Objects.requireNonNull(ports, "ports");
        this.options = withQueueBudget(options, ports.queue(), region);
        this.metrics = new ValidatorMetrics(ports.meters());
        // Threads start on first use, so a validator that is built but never started holds none.
        this.filePool = Executors.newFixedThreadPool(options.fileCheckThreads(), named("validator-files-", true));
        this.groupPool = Executors.newFixedThreadPool(options.numWorkers() * QueueWorker.BATCH,
                named("validator-handler-", true));
        HeadChecker checker = new HeadChecker(ports.blockStore(),
                new PresenceCache(ports.refstore(), options.presenceCacheSize(), options.presenceTtl(), ports.clock()),
                new FileLookups(ports.blockStore(), filePool), metrics, ports.clock(), options.missingKeysReported(),
                options.strict());
        HeadAdmission admission = new HeadAdmission(ports.mirrors(), checker, new Provenance(ports.mirrors(), ports.sourceCommits()),
                metrics, ports.clock());
        ClaimChecks records = new ClaimChecks(ports.sourceCommits(), ports.refstore());
        this.handler = new CommitsMessageHandler(region, organization, ports.mirrors(), ports.refstore(), records,
                admission, this.options, metrics, ports.clock());
        this.recheckPass = new RecheckPass(region, ports.mirrors(), ports.refstore(), admission, metrics, ports.clock(),
                options.pageSize(), records, options.lostMessageGrace());
    }

    /**
     * The options with the receive budget the queue's redrive policy sets, when the queue reports one;
     * a queue that moves messages after fewer than {@link CommitsQueue#MIN_MAX_RECEIVE_COUNT} receives is refused.
     */
    static ValidatorOptions withQueueBudget(ValidatorOptions options, CommitsQueue queue, Region region) {
        java.util.OptionalInt reported = queue.maxReceiveCount();
        if (reported.isEmpty()) {
            return options;
        }
        int count = reported.getAsInt();
        if (count < CommitsQueue.MIN_MAX_RECEIVE_COUNT) {
            throw new io.lakemirror.domain.NonRetryableException("the commits queue of " + region + " moves a message"
                    + " to its dead-letter queue after " + count + " receive(s) (maxReceiveCount of its redrive"
                    + " policy), but the validator needs at least " + CommitsQueue.MIN_MAX_RECEIVE_COUNT + ": one to"
                    + " check a message, one to hand it over before SQS moves it, one spare for a crash. Raise"
                    + " maxReceiveCount to " + CommitsQueue.DEFAULT_MAX_RECEIVE_COUNT + " (the CDK stack's); the"
                    + " validator does not start until then");
        }
        return options.withReceiveBudget(count);
    }

    @Override
    public String name() {
        return "validator";
    }

    @Override
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("the validator of " + region + " was " + (closed ? "closed" : "started")
                    + " already; build a new one to start again");
        }
        started = true;
        heartbeats = new Heartbeats(ports.queue(), ports.queue().visibilityTimeout(), metrics);
        for (int i = 1; i <= options.numWorkers(); i++) {
            Thread worker = new Thread(new QueueWorker(ports.queue(), handler::handle, options.receiveWait(), stopping,
                    groupPool, heartbeats), "validator-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        watch = new WaitingWatch(recheckPass, options.retries(), options.numWorkers());
        handler.onWaiting(c -> watch.watch(c.mirror().id(), c.branch()));
        scheduler = Executors.newSingleThreadScheduledExecutor(named("validator-recheck", false));
        long period = options.runInterval().toMillis();
        // The first pass runs soon after start: after a restart it resumes the waits the last process watched.
        scheduler.scheduleWithFixedDelay(this::recheckSafely, Math.min(period, 1_000), period, TimeUnit.MILLISECONDS);
        LOG.info("Validator started in region {}: {} worker(s), {} file-check thread(s), re-check every {}, cooldowns"
                        + " {} (missing) / {} (errors), receive budget {}, heartbeat within a visibility timeout of {},"
                        + " presence trusted {}, lost messages repaired after {}, strict {}", region,
                options.numWorkers(), options.fileCheckThreads(), options.runInterval(), options.retries().maxMissing(),
                options.retries().maxError(), options.receiveBudget(), ports.queue().visibilityTimeout(),
                options.presenceTtl(), options.lostMessageGrace(), options.strict() ? "on" : "off");
    }

    /** Decides and returns what happens to one message, without touching the queue (tests, tools). */
    Outcome handle(ReceivedMessage message) {
        return handler.handle(message);
    }

    /** Runs one re-check pass on the calling thread. */
    RecheckPass.Summary recheckNow() {
        return recheckPass.run();
    }

    private void recheckSafely() {
        try {
            recheckPass.run();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; this pass must keep running.
            LOG.warn("Re-check pass failed ({}); the next one runs in {}", e.getMessage(), options.runInterval(), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long started = System.nanoTime();
        long deadline = started + options.shutdownTimeout().toNanos();
        stopping.countDown();
        if (scheduler != null) {
            scheduler.shutdown();
        }
        if (watch != null) {
            watch.close();
        }
        for (Thread worker : workers) {
            join(worker, deadline);
        }
        if (heartbeats != null) {
            heartbeats.close();
        }
        groupPool.shutdown();
        awaitOrForce(groupPool, deadline);
        filePool.shutdown();
        awaitOrForce(filePool, deadline);
        if (scheduler != null) {
            awaitOrForce(scheduler, deadline);
        }
        List<String> stuck = workers.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!stuck.isEmpty()) {
            LOG.warn("Validator workers {} did not finish within {}; their messages reappear after the visibility timeout",
                    stuck, options.shutdownTimeout());
            workers.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
        }
        LOG.info("Validator of region {} stopped in {} ms: {}", region, (System.nanoTime() - started) / 1_000_000,
                metrics.summary());
    }

    private static void join(Thread thread, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitOrForce(ExecutorService executor, long deadlineNanos) {
        try {
            if (!executor.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? prefix + count.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }
}
