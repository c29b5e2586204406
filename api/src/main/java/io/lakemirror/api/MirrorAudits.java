package io.lakemirror.api;

import io.lakemirror.audit.AuditOptions;
import io.lakemirror.audit.AuditProgress;
import io.lakemirror.audit.AuditReport;
import io.lakemirror.audit.AuditTarget;
import io.lakemirror.audit.MirrorAudit;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.store.MirrorSpec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integrity audits the API runs ({@code POST .../mirrors/{id}/audit}): each on a bounded pool of its own
 * ({@value #THREAD_PREFIX}*), never on the request threads, with at most one running per mirror (asking again
 * returns the running one) and at most {@code concurrent} running at once: a start beyond that is refused
 * ({@link AuditsBusyException}, the API's 429), never queued behind hour-long audits. A finished audit is kept in this process for {@link #RETENTION} (at most
 * {@link #MAX_KEPT}), so the caller polls {@code GET .../audit/{audit_id}} on the same API process.
 */
public final class MirrorAudits implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorAudits.class);
    static final String THREAD_PREFIX = "api-audit-";
    /** How long a finished audit can be read back. */
    public static final Duration RETENTION = Duration.ofHours(1);
    /** Finished audits kept at most (the oldest go first). */
    public static final int MAX_KEPT = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One audit the API started. */
    public static final class Run {
        private final String id;
        private final MirrorSpec spec;
        private final boolean strict;
        private final Instant startedAt;
        private final MirrorAudit audit;
        private final CompletableFuture<AuditReport> result = new CompletableFuture<>();
        private volatile Instant finishedAt;

        Run(String id, MirrorSpec spec, boolean strict, Instant startedAt, MirrorAudit audit) {
            this.id = id;
            this.spec = spec;
            this.strict = strict;
            this.startedAt = startedAt;
            this.audit = audit;
        }

        public String id() {
            return id;
        }

        public MirrorSpec spec() {
            return spec;
        }

        public boolean strict() {
            return strict;
        }

        public Instant startedAt() {
            return startedAt;
        }

        public AuditProgress progress() {
            return audit.progress();
        }

        /** The report once the audit ended. */
        public Optional<AuditReport> report() {
            return result.isDone() && !result.isCompletedExceptionally() ? Optional.of(result.join()) : Optional.empty();
        }

        public boolean finished() {
            return result.isDone();
        }
    }

    /** What {@link #start} did. */
    public record Started(Run run, boolean created) {
    }

    private final Function<MirrorSpec, AuditTarget> targets;
    private final int parallelism;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Map<String, Run> runs = new LinkedHashMap<>();

    /**
     * @param targets     where a mirror's source, mirror and bucket are read
     * @param concurrent  audits running at once in this process; a start beyond them is refused
     * @param parallelism bucket requests in flight per audit
     */
    public MirrorAudits(Function<MirrorSpec, AuditTarget> targets, int concurrent, int parallelism, Clock clock) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.parallelism = parallelism;
        this.clock = Objects.requireNonNull(clock, "clock");
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrent, concurrent, 1, TimeUnit.MINUTES, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, THREAD_PREFIX + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts an audit of {@code spec}, or returns the one already running for it.
     *
     * @throws AuditsBusyException when this process already runs as many audits as it takes
     */
    public synchronized Started start(MirrorSpec spec, boolean strict) {
        forgetOld();
        for (Run run : runs.values()) {
            if (run.spec().id().equals(spec.id()) && !run.finished() && run.strict() == strict) {
                return new Started(run, false);
            }
        }
        Instant now = clock.instant();
        MirrorAudit audit = new MirrorAudit(targets.apply(spec), AuditOptions.defaults(strict).withParallelism(parallelism),
                clock);
        Run run = new Run("audit-" + HexFormat.of().formatHex(bytes()),
                spec, strict, now, audit);
        try {
            pool.execute(() -> {
                try {
                    run.result.complete(run.audit.run());
                } catch (RuntimeException | Error e) {
                    LOG.error("audit {} of mirror {} failed", run.id(), spec.id(), e);
                    run.result.completeExceptionally(e);
                } finally {
                    run.finishedAt = clock.instant();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new AuditsBusyException("too many audits: this API process already runs " + pool.getMaximumPoolSize()
                    + " audits, the most it runs at once; retry when one has finished");
        }
        runs.put(run.id(), run);
        LOG.info("audit {} of mirror {} ({}) started{}", run.id(), spec.id(), spec.describe(), strict ? ", strict" : "");
        return new Started(run, true);
    }

    private static byte[] bytes() {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        return id;
    }

    /** An audit of {@code mirror} by its ID, while this process keeps it. */
    public synchronized Optional<Run> get(MirrorId mirror, String auditId) {
        forgetOld();
        return Optional.ofNullable(runs.get(auditId)).filter(r -> r.spec().id().equals(mirror));
    }

    /** Waits up to {@code wait} for {@code run} to finish; true when it did. */
    public static boolean await(Run run, Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return run.finished();
        }
        try {
            run.result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return run.finished();
        }
    }

    private void forgetOld() {
        Instant cutoff = clock.instant().minus(RETENTION);
        int finished = 0;
        for (Run run : runs.values()) {
            finished += run.finished() ? 1 : 0;
        }
        for (Iterator<Run> it = runs.values().iterator(); it.hasNext(); ) {
            Run run = it.next();
            if (run.finished() && (run.finishedAt == null || run.finishedAt.isBefore(cutoff) || finished > MAX_KEPT)) {
                it.remove();
                finished--;
            }
        }
    }

    /** Stops every running audit (they end incomplete) within a few seconds. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("audits still running after 5 s; abandoning them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This process takes no more audits now. */
    public static final class AuditsBusyException extends RetryableException {
        public AuditsBusyException(String message) {
            super(message);
        }
    }
}
