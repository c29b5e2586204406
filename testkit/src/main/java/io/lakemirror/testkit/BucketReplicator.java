package io.lakemirror.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Simulates S3 Cross-Region Replication from a source bucket (optionally only some key prefixes) to
 * a destination bucket: new and overwritten objects are copied with their keys unchanged, each after
 * a delay drawn from a {@link DelayDistribution}, so objects land in no guaranteed order.
 *
 * <p>New objects are found by polling ListObjectsV2 of the source (S3Mock has no notifications).
 * Like S3 replication, objects present when the replicator starts are not copied (unless
 * {@link Builder#replicateExisting}), deletes are replicated only when asked
 * ({@link Builder#replicateDeletes}), and replicas are never replicated again (see
 * {@link ReplicaLedger}). For one key, the last change wins even when copies overtake each other.
 *
 * <p>Controls for tests: {@link #pause()}/{@link #resume()} (an outage), {@link #holdBack} (keys
 * matching a pattern wait until released, e.g. one {@code _lakefs/<range id>}), {@link #failNext}
 * (the next attempts fail and are retried), and the landing time of every object
 * ({@link #landedAt}, {@link #landings}, {@link Builder#listener}) for lag measurement.
 */
public final class BucketReplicator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BucketReplicator.class);
    private static final int MAX_ATTEMPTS = 1000;

    /** What a landing did at the destination. */
    public enum Kind { COPY, DELETE }

    /**
     * One change that reached the destination.
     *
     * @param detectedAt when the replicator first saw the change in the source
     * @param landedAt when the copy or delete completed in the destination
     * @param attempts how many attempts it took (more than 1 after failures)
     */
    public record Landing(String key, Kind kind, String sourceBucket, String destinationBucket, String etag,
                          Instant detectedAt, Instant landedAt, int attempts) {
        /** Time from detection to landing. */
        public Duration lag() {
            return Duration.between(detectedAt, landedAt);
        }
    }

    /** Told about every landing, on a replicator thread; must not block. */
    @FunctionalInterface
    public interface Listener {
        void landed(Landing landing);
    }

    /** Keys matching a pattern, held back until {@link #release()}. */
    public final class Hold {
        private final Pattern pattern;

        private Hold(Pattern pattern) {
            this.pattern = pattern;
        }

        public Pattern pattern() {
            return pattern;
        }

        /** Lets the held keys go: each is copied at once (unless paused or held by another hold). */
        public void release() {
            releaseHold(this);
        }

        @Override
        public String toString() {
            return "Hold[" + pattern + "]";
        }
    }

    private final String name;
    private final S3Client s3;
    private final String sourceBucket;
    private final List<String> prefixes;
    private final String destinationBucket;
    private final DelayDistribution delays;
    private final Random random;
    private final Duration pollInterval;
    private final Duration retryDelay;
    private final boolean replicateDeletes;
    private final ReplicaLedger ledger;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private final ScheduledThreadPoolExecutor poller;
    private final ScheduledThreadPoolExecutor workers;

    /** Source state as of the last poll; touched only by the poll thread. */
    private final Map<String, String> known = new HashMap<>();
    private final AtomicLong generations = new AtomicLong();

    private final Object lock = new Object();
    private final Set<Task> scheduled = new HashSet<>();
    private final List<Task> parked = new ArrayList<>();
    private final List<Hold> holds = new ArrayList<>();
    private final Map<String, Long> appliedGeneration = new HashMap<>();
    private int inFlight;
    private boolean paused;

    private final List<FailureRule> failureRules = new CopyOnWriteArrayList<>();
    private final Map<String, Landing> latest = new ConcurrentHashMap<>();
    private final List<Landing> history = new CopyOnWriteArrayList<>();
    private final AtomicLong injectedFailures = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean warnedMissingBucket;

    private BucketReplicator(Builder b) {
        this.name = b.name != null ? b.name : b.sourceBucket + "->" + b.destinationBucket;
        this.s3 = b.s3;
        this.sourceBucket = b.sourceBucket;
        this.prefixes = b.prefixes.isEmpty() ? List.of("") : List.copyOf(b.prefixes);
        this.destinationBucket = b.destinationBucket;
        this.delays = b.delays;
        this.random = new Random(b.seed);
        this.pollInterval = b.pollInterval;
        this.retryDelay = b.retryDelay;
        this.replicateDeletes = b.replicateDeletes;
        this.ledger = b.ledger != null ? b.ledger : new ReplicaLedger();
        this.clock = b.clock;
        this.listeners.addAll(b.listeners);
        this.poller = executor(1, "replicator-" + name + "-poll");
        this.workers = executor(b.workers, "replicator-" + name + "-copy");
    }

    public static Builder builder(S3Client s3) {
        return new Builder(s3);
    }

    private static ScheduledThreadPoolExecutor executor(int threads, String prefix) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, threads == 1 ? prefix : prefix + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, factory);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return executor;
    }

    private BucketReplicator start(boolean replicateExisting) {
        if (!replicateExisting) {
            // Like S3 replication: objects already there are not copied. Listed synchronously so that
            // anything written after start() returns counts as new.
            try {
                list().forEach((key, object) -> known.put(key, etag(object)));
            } catch (NoSuchBucketException e) {
                LOG.debug("Replication {}: source bucket {} does not exist yet (nothing to skip)", name, sourceBucket);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        poller.scheduleWithFixedDelay(this::pollSafely, replicateExisting ? 0 : pollInterval.toMillis(),
                pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Replicating s3://{}/{} -> s3://{} (delays {}, deletes {}, poll every {} ms, {} existing object(s) skipped)",
                sourceBucket, prefixes.size() == 1 ? prefixes.get(0) : prefixes, destinationBucket, delays,
                replicateDeletes ? "replicated" : "not replicated", pollInterval.toMillis(), known.size());
        return this;
    }

    // ---------------------------------------------------------------- controls

    /** Stops copying (an outage): changes keep being detected and wait until {@link #resume()}. */
    public void pause() {
        synchronized (lock) {
            paused = true;
        }
        LOG.info("Replication {} paused", name);
    }

    /** Ends a {@link #pause()}: waiting changes are copied after fresh delays, in no particular order. */
    public void resume() {
        List<Task> ready;
        synchronized (lock) {
            paused = false;
            ready = takeParked(t -> holdOf(t.key) == null);
        }
        LOG.info("Replication {} resumed ({} waiting change(s))", name, ready.size());
        ready.forEach(t -> schedule(t, nextDelay()));
    }

    public boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    /**
     * Holds back every key matching {@code regex} (whole-key match, e.g. {@code "repo/_lakefs/" + rangeId}
     * or {@code ".*_lakefs/abc.*"}) that has not landed yet, until the returned hold is released.
     */
    public Hold holdBack(String regex) {
        Hold hold = new Hold(Pattern.compile(regex));
        synchronized (lock) {
            holds.add(hold);
        }
        LOG.info("Replication {} holds back keys matching {}", name, regex);
        return hold;
    }

    /** Releases every hold. */
    public void releaseAll() {
        List<Hold> all;
        synchronized (lock) {
            all = List.copyOf(holds);
        }
        all.forEach(Hold::release);
    }

    private void releaseHold(Hold hold) {
        List<Task> ready;
        synchronized (lock) {
            if (!holds.remove(hold)) {
                return;
            }
            ready = paused ? List.of() : takeParked(t -> holdOf(t.key) == null);
        }
        LOG.info("Replication {} released hold {} ({} change(s) copied now)", name, hold.pattern, ready.size());
        ready.forEach(t -> schedule(t, Duration.ZERO));
    }

    /** Keys waiting for a hold to be released. */
    public Set<String> heldKeys() {
        synchronized (lock) {
            Set<String> keys = new java.util.TreeSet<>();
            parked.stream().filter(t -> holdOf(t.key) != null).forEach(t -> keys.add(t.key));
            return keys;
        }
    }

    /**
     * Makes the next {@code times} attempts on keys matching {@code regex} fail, as a 503 from S3
     * would; each failed change is retried after the retry delay until it lands.
     */
    public void failNext(String regex, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        failureRules.add(new FailureRule(Pattern.compile(regex), new AtomicInteger(times)));
        LOG.info("Replication {} fails the next {} attempt(s) on keys matching {}", name, times, regex);
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ---------------------------------------------------------------- observations

    /**
     * When {@code key} last landed in the destination (copy or delete). Recorded right after the
     * destination write returns, so a reader of the bucket may see the object a moment earlier: wait
     * on this, not on the bucket, before asserting on landings.
     */
    public Optional<Instant> landedAt(String key) {
        return landing(key).map(Landing::landedAt);
    }

    /** The last landing of {@code key}. */
    public Optional<Landing> landing(String key) {
        return Optional.ofNullable(latest.get(key));
    }

    /** Every landing so far, in the order they completed. */
    public List<Landing> landings() {
        return List.copyOf(history);
    }

    /** Landing time of every key's last landing, in landing order. */
    public Map<String, Instant> landingTimes() {
        Map<String, Instant> times = new LinkedHashMap<>();
        history.forEach(l -> times.put(l.key(), l.landedAt()));
        return times;
    }

    /** Changes detected but not landed yet: scheduled, running, paused or held. */
    public int pendingCount() {
        synchronized (lock) {
            return scheduled.size() + parked.size() + inFlight;
        }
    }

    /** True when nothing detected is waiting to land. */
    public boolean isIdle() {
        return pendingCount() == 0;
    }

    /** Attempts failed on purpose by {@link #failNext}. */
    public long injectedFailures() {
        return injectedFailures.get();
    }

    /** Completed polls of the source; a test can wait for one more poll to be sure a write was seen. */
    public long polls() {
        return polls.get();
    }

    public String name() {
        return name;
    }

    public String sourceBucket() {
        return sourceBucket;
    }

    public String destinationBucket() {
        return destinationBucket;
    }

    // ---------------------------------------------------------------- polling

    private void pollSafely() {
        try {
            poll();
            polls.incrementAndGet();
        } catch (NoSuchBucketException e) {
            if (!warnedMissingBucket) {
                warnedMissingBucket = true;
                LOG.warn("Replication {}: source bucket {} does not exist yet; polling on", name, sourceBucket);
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Replication {}: listing s3://{} failed ({}); retrying at the next poll", name, sourceBucket, e.toString());
            }
        }
    }

    private void poll() {
        Map<String, S3Object> now = list();
        Instant detectedAt = clock.instant();
        for (Map.Entry<String, S3Object> e : now.entrySet()) {
            String key = e.getKey();
            String etag = etag(e.getValue());
            if (etag.equals(known.put(key, etag))) {
                continue;
            }
            if (ledger.isReplica(sourceBucket, key, etag)) {
                LOG.trace("Replication {}: skipping {} (a replica)", name, key);
                continue;
            }
            schedule(new Task(key, Kind.COPY, etag, detectedAt, generations.incrementAndGet()), nextDelay());
        }
        for (var it = known.entrySet().iterator(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (now.containsKey(key)) {
                continue;
            }
            it.remove();
            if (ledger.consumeReplicaDelete(sourceBucket, key)) {
                LOG.trace("Replication {}: skipping delete of {} (made by a replicator)", name, key);
            } else if (replicateDeletes) {
                schedule(new Task(key, Kind.DELETE, null, detectedAt, generations.incrementAndGet()), nextDelay());
            } else {
                LOG.trace("Replication {}: not replicating delete of {} (deletes off)", name, key);
            }
        }
    }

    private Map<String, S3Object> list() {
        Map<String, S3Object> objects = new HashMap<>();
        for (String prefix : prefixes) {
            s3.listObjectsV2Paginator(b -> b.bucket(sourceBucket).prefix(prefix.isEmpty() ? null : prefix))
                    .contents().forEach(o -> objects.put(o.key(), o));
        }
        return objects;
    }

    private static String etag(S3Object object) {
        String etag = object.eTag();
        return etag == null ? "" : etag.replace("\"", "");
    }

    private Duration nextDelay() {
        synchronized (random) {
            return delays.next(random);
        }
    }

    // ---------------------------------------------------------------- copying

    private void schedule(Task task, Duration delay) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            scheduled.add(task);
        }
        LOG.trace("Replication {}: {} {} in {} ms (attempt {})", name, task.kind, task.key, delay.toMillis(), task.attempts + 1);
        try {
            workers.schedule(() -> due(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                scheduled.remove(task);
            }
        }
    }

    private void due(Task task) {
        synchronized (lock) {
            scheduled.remove(task);
            if (paused || holdOf(task.key) != null) {
                LOG.trace("Replication {}: {} waits ({})", name, task.key, paused ? "paused" : "held");
                parked.add(task);
                return;
            }
            inFlight++;
        }
        boolean done = false;
        try {
            done = apply(task);
        } finally {
            synchronized (lock) {
                inFlight--;
            }
        }
        if (!done && !closed) {
            if (task.attempts >= MAX_ATTEMPTS) {
                LOG.warn("Replication {}: giving up on {} after {} attempts", name, task.key, task.attempts);
            } else {
                schedule(task, retryDelay);
            }
        }
    }

    /** Returns false when the attempt failed and should be retried. */
    private boolean apply(Task task) {
        task.attempts++;
        synchronized (lock) {
            if (appliedGeneration.getOrDefault(task.key, 0L) > task.generation) {
                LOG.trace("Replication {}: skipping {} of {} (a newer change already landed)", name, task.kind, task.key);
                return true;
            }
        }
        for (FailureRule rule : failureRules) {
            if (rule.pattern.matcher(task.key).matches() && rule.remaining.getAndDecrement() > 0) {
                injectedFailures.incrementAndGet();
                LOG.debug("Replication {}: injected failure of {} (attempt {}); retrying in {} ms", name, task.key,
                        task.attempts, retryDelay.toMillis());
                return false;
            }
        }
        String etag;
        try {
            if (task.kind == Kind.COPY) {
                ledger.expectReplica(destinationBucket, task.key, task.etag);
                CopyObjectResponse copied = s3.copyObject(b -> b.sourceBucket(sourceBucket).sourceKey(task.key)
                        .destinationBucket(destinationBucket).destinationKey(task.key));
                etag = copied.copyObjectResult() == null || copied.copyObjectResult().eTag() == null
                        ? task.etag : copied.copyObjectResult().eTag().replace("\"", "");
                ledger.expectReplica(destinationBucket, task.key, etag);
            } else {
                ledger.expectReplicaDelete(destinationBucket, task.key);
                s3.deleteObject(b -> b.bucket(destinationBucket).key(task.key));
                etag = null;
            }
        } catch (NoSuchKeyException e) {
            LOG.trace("Replication {}: {} vanished from the source before its copy (skipped)", name, task.key);
            return true;
        } catch (SdkException e) {
            if (!closed) {
                LOG.debug("Replication {}: {} of {} failed ({}); retrying in {} ms", name, task.kind, task.key,
                        e.toString(), retryDelay.toMillis());
            }
            return false;
        }
        Landing landing = new Landing(task.key, task.kind, sourceBucket, destinationBucket, etag, task.detectedAt,
                clock.instant(), task.attempts);
        synchronized (lock) {
            appliedGeneration.merge(task.key, task.generation, Math::max);
        }
        latest.put(task.key, landing);
        history.add(landing);
        LOG.trace("Replication {}: {} {} landed {} ms after detection", name, task.kind, task.key, landing.lag().toMillis());
        for (Listener listener : listeners) {
            try {
                listener.landed(landing);
            } catch (RuntimeException e) {
                LOG.warn("Replication {}: a landing listener failed on {} ({})", name, task.key, e.toString());
            }
        }
        return true;
    }

    private Hold holdOf(String key) {
        for (Hold hold : holds) {
            if (hold.pattern.matcher(key).matches()) {
                return hold;
            }
        }
        return null;
    }

    private List<Task> takeParked(java.util.function.Predicate<Task> ready) {
        List<Task> taken = new ArrayList<>();
        for (var it = parked.iterator(); it.hasNext(); ) {
            Task t = it.next();
            if (ready.test(t)) {
                it.remove();
                taken.add(t);
            }
        }
        return taken;
    }

    /** Stops polling and copying; changes not landed yet are dropped. Waits at most a few seconds. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        poller.shutdownNow();
        workers.shutdown();
        try {
            if (!poller.awaitTermination(5, TimeUnit.SECONDS) | !workers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Replication {}: threads still busy 5 s after close; interrupting them", name);
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        int dropped;
        synchronized (lock) {
            dropped = scheduled.size() + parked.size();
            scheduled.clear();
            parked.clear();
        }
        LOG.info("Replication {} stopped: {} landing(s), {} injected failure(s), {} change(s) not landed",
                name, history.size(), injectedFailures.get(), dropped);
    }

    @Override
    public String toString() {
        return "BucketReplicator[" + name + "]";
    }

    private static final class Task {
        final String key;
        final Kind kind;
        final String etag;
        final Instant detectedAt;
        final long generation;
        int attempts;

        Task(String key, Kind kind, String etag, Instant detectedAt, long generation) {
            this.key = key;
            this.kind = kind;
            this.etag = etag;
            this.detectedAt = detectedAt;
            this.generation = generation;
        }
    }

    private record FailureRule(Pattern pattern, AtomicInteger remaining) {
    }

    /** Configures a {@link BucketReplicator}. */
    public static final class Builder {
        private final S3Client s3;
        private String name;
        private String sourceBucket;
        private final List<String> prefixes = new ArrayList<>();
        private String destinationBucket;
        private DelayDistribution delays = DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(200));
        private long seed = 42;
        private Duration pollInterval = Duration.ofMillis(25);
        private Duration retryDelay = Duration.ofMillis(100);
        private boolean replicateDeletes;
        private boolean replicateExisting;
        private int workers = 4;
        private ReplicaLedger ledger;
        private Clock clock = Clock.systemUTC();
        private final List<Listener> listeners = new ArrayList<>();

        private Builder(S3Client s3) {
            this.s3 = Objects.requireNonNull(s3, "s3");
        }

        /** Thread and log name; defaults to {@code <source>-><destination>}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder source(String bucket) {
            this.sourceBucket = bucket;
            return this;
        }

        /** Replicate only keys starting with {@code prefix} (repeatable; none means the whole bucket). */
        public Builder prefix(String prefix) {
            this.prefixes.add(Objects.requireNonNull(prefix, "prefix"));
            return this;
        }

        public Builder prefixes(List<String> prefixes) {
            prefixes.forEach(this::prefix);
            return this;
        }

        public Builder destination(String bucket) {
            this.destinationBucket = bucket;
            return this;
        }

        /** Delay before each copy; default uniform 0..200 ms. */
        public Builder delays(DelayDistribution delays) {
            this.delays = Objects.requireNonNull(delays, "delays");
            return this;
        }

        /** Seed of the delay draws; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Interval between two listings of the source; default 25 ms. */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive, got " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /** Wait before retrying a failed copy; default 100 ms. */
        public Builder retryDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("retry delay must not be negative, got " + delay);
            }
            this.retryDelay = delay;
            return this;
        }

        /** Replicate deletes as S3 delete-marker replication does; default off, as in S3. */
        public Builder replicateDeletes(boolean replicate) {
            this.replicateDeletes = replicate;
            return this;
        }

        /** Also copy objects present at start (S3 Batch Replication); default off. */
        public Builder replicateExisting(boolean replicate) {
            this.replicateExisting = replicate;
            return this;
        }

        /** Concurrent copies; default 4. */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** Shared record of replicas, so replicators in opposite directions do not ping-pong. */
        public Builder ledger(ReplicaLedger ledger) {
            this.ledger = ledger;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder listener(Listener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Starts polling the source; objects already there are skipped unless {@link #replicateExisting}. */
        public BucketReplicator start() {
            if (sourceBucket == null || destinationBucket == null) {
                throw new IllegalStateException("a replicator needs a source and a destination bucket");
            }
            if (sourceBucket.equals(destinationBucket)) {
                throw new IllegalStateException("source and destination are both " + sourceBucket
                        + ": replicate between two buckets");
            }
            return new BucketReplicator(this).start(replicateExisting);
        }
    }
}
