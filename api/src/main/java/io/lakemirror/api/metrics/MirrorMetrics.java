package io.lakemirror.api.metrics;

import io.lakemirror.api.MirrorView;
import io.lakemirror.api.MirrorViews;
import io.lakemirror.config.Durations;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.metrics.AlarmMetric;
import io.lakemirror.runtime.Component;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorsReader;
import io.lakemirror.store.StorePage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator gauges of the mirrors, recomputed every {@code metrics.refresh_interval} from the mirrors
 * database on a daemon thread of its own ({@code mirror-metrics}).
 *
 * <p>Per mirror and branch, for every mirror of the organization (the database is global, so every
 * region shows the same picture), tagged {@code mirror} (ID), {@code mirror_name}, {@code source}
 * ({@code repo@region}), {@code region} (the mirror's destination) and {@code branch}:
 * <ul>
 *   <li>{@value #BRANCH_LAG} (seconds; Prometheus {@code lakemirror_mirror_branch_lag_seconds}): age of
 *       the oldest sensed source head the mirror branch lacks (not the newest: a busy branch whose
 *       promotion is stuck shows a growing lag), 0 when in sync;</li>
 *   <li>{@value #BRANCH_COMMITS_BEHIND} ({@code lakemirror_mirror_branch_commits_behind}): commits the
 *       sensor sent that the mirror branch does not have yet;</li>
 *   <li>{@value #BRANCH_MISSING_FILES} ({@code lakemirror_mirror_branch_missing_files}): metadata files
 *       of the waiting head the validator found missing (it records the first few, so this is a lower
 *       bound of the true count);</li>
 *   <li>{@value #BRANCH_STALLED} ({@code lakemirror_mirror_branch_stalled}): 1 while the branch is stalled
 *       (behind its source for {@link MirrorViews#STALL_AFTER} or longer, or its state frozen above the
 *       sensor's sequence by a message the sensor never sent), else 0; the status API names the reason;</li>
 *   <li>{@value #MIRROR_STATE} ({@code lakemirror_mirror_state}, without {@code branch}, with
 *       {@code state}): one series per state (CREATING, ACTIVE, DELETING, FAILED), 1 for the current
 *       one and 0 for the others, so that alerting on {@code state="FAILED"} never misses a series.</li>
 * </ul>
 * The values come from {@link MirrorViews}, the same rules as {@code GET .../mirrors/{id}}. Deleted
 * mirrors leave every gauge on the next refresh; a mirror whose deletion was requested keeps only its
 * state series until it is gone.
 *
 * <p>The alarm gauges, without tags, cover only the mirrors whose destination is this process's
 * region and whose deletion was not requested, as the CDK alarms of that region expect:
 * <ul>
 *   <li>{@value #LAG_MAX} ({@code lakemirror_mirror_lag_seconds_max}; CloudWatch {@code MirrorLagSeconds}):
 *       the largest branch lag, 0 when every branch is at its source head;</li>
 *   <li>{@value #COMMITS_PENDING} ({@code lakemirror_commits_pending}; CloudWatch {@code CommitsPending}):
 *       the sum of commits behind over those branches;</li>
 *   <li>{@value #BRANCHES_STALLED} ({@code lakemirror_branches_stalled}; CloudWatch {@code StalledBranches}):
 *       how many of those branches are stalled, what the CDK's stalled-branches alarm reads.</li>
 * </ul>
 * All three read NaN (which CloudWatch publication skips, and the alarms treat as missing data) before the
 * first refresh and when no refresh has succeeded for three intervals, so an alarm never acts on a
 * frozen value. CloudWatch {@code PromotionsCompleted} is the promoter's own counter
 * {@value #PROMOTIONS}, registered by {@code PromoterService} in the processes that run it.
 * Failed refreshes count in {@value #REFRESH_FAILURES} and keep the previous values.
 *
 * <h2>Wiring (launcher)</h2>
 * One registry per process, shared by every component of it:
 * <pre>{@code
 * PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * CompositeMeterRegistry meters = new CompositeMeterRegistry(io.micrometer.core.instrument.Clock.SYSTEM, List.of(prometheus));
 * Optional<MeterRegistry> cloudWatch = CloudWatchMetrics.registry(config);   // io.lakemirror.aws.cloudwatch
 * cloudWatch.ifPresent(meters::add);
 * // sensor, validator and promoter register their meters in `meters`; ApiServer scrapes `prometheus`
 * MirrorMetrics mirrorMetrics = MirrorMetrics.create(config, mirrorsDatabase, meters, clock);
 * mirrorMetrics.start();
 * ...
 * mirrorMetrics.close();                        // then the workers
 * cloudWatch.ifPresent(MeterRegistry::close);   // publishes the last step and closes its AWS client
 * }</pre>
 * Run it in the API process (it is the one serving {@code /metrics}); in {@code bin/replication all}
 * the promoter shares the registry, so one CloudWatch registry publishes all three alarm metrics.
 * Do not add a common tag named {@code region} to the registry: it would replace the destination
 * region of the per-mirror series.
 */
public final class MirrorMetrics implements Component {
    public static final String BRANCH_LAG = "lakemirror.mirror.branch.lag";
    public static final String BRANCH_COMMITS_BEHIND = "lakemirror.mirror.branch.commits.behind";
    public static final String BRANCH_MISSING_FILES = "lakemirror.mirror.branch.missing.files";
    public static final String MIRROR_STATE = "lakemirror.mirror.state";
    public static final String BRANCH_STALLED = "lakemirror.mirror.branch.stalled";
    public static final String BRANCHES_STALLED = AlarmMetric.STALLED_BRANCHES.meterName();
    public static final String LAG_MAX = AlarmMetric.MIRROR_LAG_SECONDS.meterName();
    public static final String COMMITS_PENDING = AlarmMetric.COMMITS_PENDING.meterName();
    public static final String REFRESH_FAILURES = "lakemirror.mirror.metrics.refresh.failures";

    /** The states a mirror shows while it has items; DELETED is a tombstone and has no series. */
    static final List<String> STATES = List.of(MirrorState.CREATING.name(), MirrorState.ACTIVE.name(),
            MirrorState.DELETING.name(), MirrorState.FAILED.name());
    /** Refreshes missed in a row after which the alarm gauges read NaN. */
    static final int STALE_AFTER_INTERVALS = 3;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MirrorMetrics.class);

    private final Region region;
    private final MirrorsReader db;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration refreshInterval;
    private final int pageSize;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final GaugeFamily branchLag;
    private final GaugeFamily commitsBehind;
    private final GaugeFamily missingFiles;
    private final GaugeFamily mirrorState;
    private final GaugeFamily branchStalled;
    private final Gauge lagMax;
    private final Gauge commitsPending;
    private final Gauge branchesStalled;
    private final Counter refreshFailures;
    private volatile Totals totals;
    // Touched only by the scheduler thread.
    private boolean failing;
    private boolean reported;

    /**
     * @param region          this process's region: the alarm gauges cover mirrors into it
     * @param refreshInterval time between two refreshes
     * @param pageSize        mirrors read per database page
     */
    public MirrorMetrics(Region region, MirrorsReader db, MeterRegistry registry, Clock clock,
                         Duration refreshInterval, int pageSize) {
        this.region = Objects.requireNonNull(region, "region");
        this.db = Objects.requireNonNull(db, "db");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be positive, got " + refreshInterval);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
        }
        this.refreshInterval = refreshInterval;
        this.pageSize = pageSize;
        this.branchLag = new GaugeFamily(registry, BRANCH_LAG, "seconds",
                "Time since the source head the mirror branch lacks was first sensed; 0 when in sync");
        this.commitsBehind = new GaugeFamily(registry, BRANCH_COMMITS_BEHIND, null,
                "Commits sensed at the source that the mirror branch does not have yet");
        this.missingFiles = new GaugeFamily(registry, BRANCH_MISSING_FILES, null,
                "Metadata files of the waiting head not yet in the mirror's bucket (the first few the validator recorded)");
        this.mirrorState = new GaugeFamily(registry, MIRROR_STATE, null, "1 for the mirror's current state, 0 for the others");
        this.branchStalled = new GaugeFamily(registry, BRANCH_STALLED, null,
                "1 while the branch is stalled (behind for too long, or its state frozen above the sensor's), else 0");
        this.lagMax = Gauge.builder(LAG_MAX, this, MirrorMetrics::currentLagMax).strongReference(true)
                .description("Largest branch lag of the mirrors into this region, in seconds (CloudWatch MirrorLagSeconds)")
                .register(registry);
        this.commitsPending = Gauge.builder(COMMITS_PENDING, this, MirrorMetrics::currentCommitsPending).strongReference(true)
                .description("Commits of the mirrors into this region sensed but not yet promoted (CloudWatch CommitsPending)")
                .register(registry);
        this.branchesStalled = Gauge.builder(BRANCHES_STALLED, this, MirrorMetrics::currentBranchesStalled)
                .strongReference(true)
                .description("Stalled branches of the mirrors into this region")
                .register(registry);
        this.refreshFailures = Counter.builder(REFRESH_FAILURES)
                .description("Refreshes of the mirror gauges that failed to read the mirrors database")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The gauges of a process of this region, refreshed every {@code metrics.refresh_interval} and
     * reading the database in pages of {@code list_mirrors_page_size}. Not started: call {@link #start()}.
     *
     * @param registry the process's shared registry (see the class comment for composing it)
     */
    public static MirrorMetrics create(ReplicationConfig config, MirrorsReader db, MeterRegistry registry, Clock clock) {
        return new MirrorMetrics(config.region(), db, registry, clock, config.metrics().refreshInterval(),
                config.listMirrorsPageSize());
    }

    @Override
    public String name() {
        return "mirror-metrics";
    }

    @Override
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("mirror metrics are closed and cannot start again");
        }
        if (!started.compareAndSet(false, true)) {
            return;
        }
        LOG.info("mirror metrics: refreshing every {}; alarm gauges cover mirrors into {}", Durations.format(refreshInterval),
                region);
        scheduler.scheduleWithFixedDelay(this::refreshSafely, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshSafely() {
        try {
            Summary summary = refresh();
            if (failing || !reported) {
                LOG.info("mirror metrics: {} mirrors, {} branches, {} mirrors into {} (worst lag {}s, {} commits pending,"
                                + " {} branches stalled){}", summary.mirrors(), summary.branches(), summary.alarmMirrors(),
                        region, summary.lagMaxSeconds(), summary.commitsPending(), summary.branchesStalled(),
                        failing ? "; the mirrors database answers again" : "");
            }
            failing = false;
            reported = true;
        } catch (RuntimeException e) {
            refreshFailures.increment();
            failing = true;
            LOG.warn("mirror metrics: cannot read the mirrors database ({}); keeping the previous values, next"
                    + " attempt in {}", e.toString(), Durations.format(refreshInterval));
        }
    }

    /**
     * Reads every mirror and its branch states once and replaces the gauges' values. Called by the
     * scheduler; tests call it directly.
     *
     * @throws RuntimeException when the database fails; the gauges keep their previous values
     */
    public synchronized Summary refresh() {
        if (closed.get()) {
            return new Summary(0, 0, 0, 0, 0, 0);
        }
        Instant now = clock.instant();
        List<MirrorView> views = readMirrors(now);
        Map<Tags, Long> lag = new HashMap<>();
        Map<Tags, Long> behind = new HashMap<>();
        Map<Tags, Long> missing = new HashMap<>();
        Map<Tags, Long> states = new HashMap<>();
        Map<Tags, Long> stalled = new HashMap<>();
        long lagMaxSeconds = 0;
        long pending = 0;
        long stalledHere = 0;
        int branches = 0;
        int here = 0;
        for (MirrorView view : views) {
            Tags mirror = Tags.of("mirror", view.id().value(), "mirror_name", view.name().value(),
                    "source", view.sourceRepository().value() + "@" + view.sourceRegion().value(),
                    "region", view.region().value());
            for (String state : STATES) {
                states.put(mirror.and("state", state), state.equals(view.status()) ? 1L : 0L);
            }
            boolean alarmed = view.region().equals(region) && !view.status().equals(MirrorState.DELETING.name());
            here += alarmed ? 1 : 0;
            for (MirrorView.BranchView branch : view.branches()) {
                Tags tags = mirror.and("branch", branch.id().value());
                lag.put(tags, branch.lagSeconds());
                behind.put(tags, branch.commitsBehind());
                missing.put(tags, (long) branch.missingFiles().size());
                stalled.put(tags, branch.stalled() ? 1L : 0L);
                branches++;
                if (alarmed) {
                    lagMaxSeconds = Math.max(lagMaxSeconds, branch.lagSeconds());
                    pending += branch.commitsBehind();
                    stalledHere += branch.stalled() ? 1 : 0;
                }
            }
        }
        branchLag.set(lag);
        commitsBehind.set(behind);
        missingFiles.set(missing);
        mirrorState.set(states);
        branchStalled.set(stalled);
        totals = new Totals(lagMaxSeconds, pending, stalledHere, now);
        Summary summary = new Summary(views.size(), branches, here, lagMaxSeconds, pending, stalledHere);
        LOG.debug("mirror metrics refreshed: {}", summary);
        return summary;
    }

    private List<MirrorView> readMirrors(Instant now) {
        List<MirrorView> views = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            StorePage<MirrorRecord> page = db.listMirrors(after, pageSize);
            for (MirrorRecord mirror : page.items()) {
                if (mirror.state() == MirrorState.DELETED) {
                    LOG.trace("mirror {}: deleted, no series", mirror.spec().id());
                    continue;
                }
                MirrorId id = mirror.spec().id();
                if (mirror.spec().isDeleteRequested()) {
                    LOG.trace("mirror {}: deletion requested, state series only", id);
                    views.add(MirrorViews.detail(mirror, List.of(), List.of(), now));
                } else {
                    views.add(MirrorViews.detail(mirror, db.listSensorBranchStates(id), db.listBranchStates(id), now));
                }
            }
            after = page.nextAfter();
        } while (after.isPresent());
        return views;
    }

    private double currentLagMax() {
        Totals t = freshTotals();
        return t == null ? Double.NaN : t.lagMaxSeconds();
    }

    private double currentCommitsPending() {
        Totals t = freshTotals();
        return t == null ? Double.NaN : t.commitsPending();
    }

    private double currentBranchesStalled() {
        Totals t = freshTotals();
        return t == null ? Double.NaN : t.branchesStalled();
    }

    private Totals freshTotals() {
        Totals t = totals;
        if (t == null || Duration.between(t.at(), clock.instant()).compareTo(refreshInterval.multipliedBy(STALE_AFTER_INTERVALS)) > 0) {
            return null;
        }
        return t;
    }

    /** Stops refreshing (waiting a bounded time for a refresh in flight) and removes every meter of this component. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("mirror metrics: a refresh still runs after {}; interrupting it", CLOSE_TIMEOUT);
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            totals = null;
            branchLag.clear();
            commitsBehind.clear();
            missingFiles.clear();
            mirrorState.clear();
            branchStalled.clear();
            registry.remove(lagMax);
            registry.remove(commitsPending);
            registry.remove(branchesStalled);
            registry.remove(refreshFailures);
        }
        LOG.info("mirror metrics stopped");
    }

    private record Totals(long lagMaxSeconds, long commitsPending, long branchesStalled, Instant at) {
    }

    /**
     * What one refresh saw.
     *
     * @param mirrors         mirrors with series (deleted ones excluded)
     * @param branches        branches with series
     * @param alarmMirrors    mirrors into this region that feed the alarm gauges
     * @param lagMaxSeconds   the value of {@value MirrorMetrics#LAG_MAX}
     * @param commitsPending  the value of {@value MirrorMetrics#COMMITS_PENDING}
     * @param branchesStalled the value of {@value MirrorMetrics#BRANCHES_STALLED}
     */
    public record Summary(int mirrors, int branches, int alarmMirrors, long lagMaxSeconds, long commitsPending,
                          long branchesStalled) {
    }
}
