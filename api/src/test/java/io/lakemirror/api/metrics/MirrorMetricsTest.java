package io.lakemirror.api.metrics;

import io.lakemirror.runtime.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.StoreFixtures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MirrorMetricsTest {
    /** This process's region: the destination of the mirrors the alarm gauges cover. */
    static final Region HERE = StoreFixtures.DESTINATION;
    static final Region ELSEWHERE = Region.of("ap-south-1");
    static final Instant T0 = StoreFixtures.T0;
    static final Duration INTERVAL = Duration.ofSeconds(15);
    static final BranchId MAIN = BranchId.of("main");
    static final BranchId DEV = BranchId.of("dev");

    private final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    private final MutableClock clock = new MutableClock(T0.plusSeconds(120));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MirrorMetrics metrics = new MirrorMetrics(HERE, db, registry, clock, INTERVAL, 1000);

    @AfterEach
    void close() {
        metrics.close();
    }

    // --- scenario helpers

    static MirrorSpec spec(String id, String name, Region destination) {
        return new MirrorSpec(MirrorId.of(id), RepositoryId.of(name), RepositoryId.of("source-repo"), StoreFixtures.SOURCE,
                destination, StorageNamespace.of("s3://bucket/repos/source-repo"), MAIN, T0, "admin", Optional.empty());
    }

    private MirrorId activeMirror(String id, String name, Region destination) {
        MirrorSpec spec = spec(id, name, destination);
        db.createMirror(spec);
        db.putStatus(new MirrorStatus(spec.id(), MirrorState.ACTIVE, "", T0), Set.of(), true);
        return spec.id();
    }

    /** The sensor announced {@code sequence} at {@code sensedAt}, having sent {@code commitsSent} commits in all. */
    private void sensed(MirrorId id, BranchId branch, long sequence, Instant sensedAt, long commitsSent) {
        long previous = db.getSensorBranchState(id, branch).map(SensorBranchState::sequence).orElse(0L);
        db.putSensorBranchState(new SensorBranchState(id, branch, sequence, Optional.of(StoreFixtures.commitId((int) sequence)),
                sensedAt, true, commitsSent), previous);
    }

    private void promoted(MirrorId id, BranchId branch, long sequence, long commitsSent) {
        db.recordValidated(id, branch, new BranchState.Validated(sequence, Optional.of(StoreFixtures.commitId((int) sequence)),
                T0, T0, commitsSent));
        assertThat(db.claimPromotion(id, branch, new BranchState.PromotionLease(sequence, "promoter", T0.plusSeconds(60)), Optional.empty()))
                .isTrue();
        db.recordPromoted(id, branch, new BranchState.Promoted(sequence, Optional.of(StoreFixtures.commitId((int) sequence)),
                T0, commitsSent), "promoter");
    }

    private double gauge(String name, String mirror, String branch) {
        Gauge gauge = registry.find(name).tag("mirror", mirror).tag("branch", branch).gauge();
        assertThat(gauge).as("%s of %s/%s", name, mirror, branch).isNotNull();
        return gauge.value();
    }

    private double alarm(String name) {
        return registry.get(name).gauge().value();
    }

    private List<Meter> seriesOf(String mirror) {
        return registry.getMeters().stream().filter(m -> mirror.equals(m.getId().getTag("mirror"))).toList();
    }

    // --- per-branch gauges

    @Test
    void refresh_shouldExposeLagAndCommitsBehindWithTheMirrorsTags_whenABranchIsBehindItsSource() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        promoted(id, MAIN, 1, 2);
        sensed(id, MAIN, 1, T0, 2);
        sensed(id, MAIN, 3, T0, 5);

        metrics.refresh();

        Gauge lag = registry.get(MirrorMetrics.BRANCH_LAG).tag("mirror", "m1").gauge();
        assertThat(lag.getId().getTags()).extracting(t -> t.getKey() + "=" + t.getValue()).containsExactlyInAnyOrder(
                "mirror=m1", "mirror_name=analytics-eu", "source=source-repo@us-east-1", "region=eu-west-1", "branch=main");
        assertThat(lag.getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(lag.value()).isEqualTo(120.0);
        assertThat(gauge(MirrorMetrics.BRANCH_COMMITS_BEHIND, "m1", "main")).isEqualTo(3.0);
        assertThat(gauge(MirrorMetrics.BRANCH_MISSING_FILES, "m1", "main")).isZero();
    }

    @Test
    void refresh_shouldReportZeroLag_whenTheBranchIsAtItsSourceHead() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 1, T0, 4);
        promoted(id, MAIN, 1, 4);

        metrics.refresh();

        assertThat(gauge(MirrorMetrics.BRANCH_LAG, "m1", "main")).isZero();
        assertThat(gauge(MirrorMetrics.BRANCH_COMMITS_BEHIND, "m1", "main")).isZero();
        assertThat(alarm(MirrorMetrics.LAG_MAX)).isZero();
        assertThat(alarm(MirrorMetrics.COMMITS_PENDING)).isZero();
    }

    @Test
    void refresh_shouldCountMissingFiles_whenTheValidatorWaitsForFilesOfTheHead() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, DEV, 2, T0, 3);
        db.recordWaiting(id, DEV, StoreFixtures.waiting(2, 2, List.of("repos/source-repo/_lakefs/aaa", "repos/source-repo/_lakefs/bbb")));

        metrics.refresh();

        assertThat(gauge(MirrorMetrics.BRANCH_MISSING_FILES, "m1", "dev")).isEqualTo(2.0);
        assertThat(gauge(MirrorMetrics.BRANCH_COMMITS_BEHIND, "m1", "dev")).isEqualTo(3.0);
        assertThat(gauge(MirrorMetrics.BRANCH_LAG, "m1", "dev")).isEqualTo(120.0);
    }

    @Test
    void refresh_shouldUpdateValuesInPlace_whenTheMirrorProgresses() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 2, T0, 5);
        metrics.refresh();
        Gauge before = registry.get(MirrorMetrics.BRANCH_COMMITS_BEHIND).tag("mirror", "m1").gauge();

        promoted(id, MAIN, 2, 5);
        metrics.refresh();

        Gauge after = registry.get(MirrorMetrics.BRANCH_COMMITS_BEHIND).tag("mirror", "m1").gauge();
        assertThat(after).as("the same meter, never removed and re-added").isSameAs(before);
        assertThat(after.value()).isZero();
    }

    @Test
    void refresh_shouldRemoveEveryMirrorSeries_whenTheMirrorWasDeleted() {
        MirrorId gone = activeMirror("m1", "analytics-eu", HERE);
        MirrorId kept = activeMirror("m2", "training-eu", HERE);
        sensed(gone, MAIN, 1, T0, 1);
        sensed(kept, MAIN, 1, T0, 1);
        metrics.refresh();
        assertThat(seriesOf("m1")).isNotEmpty();

        db.deleteMirror(gone);
        metrics.refresh();

        assertThat(seriesOf("m1")).isEmpty();
        assertThat(gauge(MirrorMetrics.BRANCH_LAG, "m2", "main")).isEqualTo(120.0);
    }

    @Test
    void refresh_shouldKeepOnlyTheStateSeries_whenDeletionWasRequested() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 1, T0, 4);
        metrics.refresh();

        db.requestDeletion(id, T0.plusSeconds(60));
        metrics.refresh();

        assertThat(seriesOf("m1")).extracting(m -> m.getId().getName()).containsOnly(MirrorMetrics.MIRROR_STATE);
        assertThat(registry.get(MirrorMetrics.MIRROR_STATE).tag("mirror", "m1").tag("state", "DELETING").gauge().value())
                .isEqualTo(1.0);
        assertThat(alarm(MirrorMetrics.LAG_MAX)).as("a mirror on its way out does not alarm").isZero();
    }

    @Test
    void refresh_shouldDropTheMirror_whenOnlyItsDeletedTombstoneRemains() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        metrics.refresh();

        db.putStatus(new MirrorStatus(id, MirrorState.DELETED, "", T0), Set.of(MirrorState.ACTIVE), false);
        metrics.refresh();

        assertThat(seriesOf("m1")).isEmpty();
    }

    static Stream<Arguments> states() {
        return Stream.of(Arguments.of(MirrorState.CREATING), Arguments.of(MirrorState.ACTIVE), Arguments.of(MirrorState.FAILED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void mirrorState_shouldBeOneForTheCurrentStateAndZeroForTheOthers(MirrorState current) {
        MirrorSpec spec = spec("m1", "analytics-eu", HERE);
        db.createMirror(spec);
        if (current != MirrorState.CREATING) {
            db.putStatus(new MirrorStatus(spec.id(), current, "", T0), Set.of(), true);
        }

        metrics.refresh();

        for (String state : MirrorMetrics.STATES) {
            assertThat(registry.get(MirrorMetrics.MIRROR_STATE).tag("mirror", "m1").tag("state", state).gauge().value())
                    .as(state).isEqualTo(state.equals(current.name()) ? 1.0 : 0.0);
        }
    }

    @Test
    void refresh_shouldReadEveryPage_whenTheMirrorsSpanSeveralPages() {
        metrics.close();
        metrics = new MirrorMetrics(HERE, db, registry, clock, INTERVAL, 2);
        for (int i = 1; i <= 5; i++) {
            MirrorId id = activeMirror("m" + i, "mirror-" + i, HERE);
            sensed(id, MAIN, 1, T0.plusSeconds(i), i);
        }

        MirrorMetrics.Summary summary = metrics.refresh();

        assertThat(summary).isEqualTo(new MirrorMetrics.Summary(5, 5, 5, 119, 15, 0));
        assertThat(registry.find(MirrorMetrics.BRANCH_LAG).gauges()).hasSize(5);
    }

    @Test
    void refresh_shouldMeasureLagFromTheOldestUnpromotedSequence_whenABusyBranchIsStuck() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        promoted(id, MAIN, 2, 2);
        // Busy source: sequence 10 sensed 5 s ago, but the first unpromoted one (3) ten minutes ago.
        Instant now = clock.instant();
        db.putSensorBranchState(new SensorBranchState(id, MAIN, 10, Optional.of(StoreFixtures.commitId(10)),
                now.minusSeconds(5), true, 10, List.of(new SensorBranchState.Sensed(3, now.minusSeconds(600)),
                new SensorBranchState.Sensed(9, now.minusSeconds(10)))), 0);

        metrics.refresh();

        assertThat(gauge(MirrorMetrics.BRANCH_LAG, "m1", "main")).isEqualTo(600.0);
        assertThat(gauge(MirrorMetrics.BRANCH_COMMITS_BEHIND, "m1", "main")).isEqualTo(8.0);
        assertThat(alarm(MirrorMetrics.LAG_MAX)).isEqualTo(600.0);
        assertThat(gauge(MirrorMetrics.BRANCH_STALLED, "m1", "main")).isZero();
    }

    @Test
    void refresh_shouldShowABranchStalled_whenItHasBeenBehindForTheStallBound() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        promoted(id, MAIN, 1, 1);
        sensed(id, MAIN, 1, T0, 1);
        sensed(id, MAIN, 2, clock.instant().minus(io.lakemirror.api.MirrorViews.STALL_AFTER), 2);

        MirrorMetrics.Summary summary = metrics.refresh();

        assertThat(gauge(MirrorMetrics.BRANCH_STALLED, "m1", "main")).isEqualTo(1.0);
        assertThat(alarm(MirrorMetrics.BRANCHES_STALLED)).isEqualTo(1.0);
        assertThat(summary.branchesStalled()).isEqualTo(1);
    }

    @Test
    void refresh_shouldShowABranchStalled_whenARejectedMessageFroze_itsStateAboveTheSensors() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 3, clock.instant(), 3);
        // Written before messages were checked against the sensor state: a forged huge sequence.
        db.recordValidated(id, MAIN, new BranchState.Validated(9_000_000_000L, Optional.of(StoreFixtures.commitId(7)),
                T0, T0, 3));

        metrics.refresh();
        io.lakemirror.api.MirrorView.BranchView view = io.lakemirror.api.MirrorViews.detail(db.getMirror(id).orElseThrow(),
                db.listSensorBranchStates(id), db.listBranchStates(id), clock.instant()).branches().get(0);

        assertThat(gauge(MirrorMetrics.BRANCH_STALLED, "m1", "main")).isEqualTo(1.0);
        assertThat(alarm(MirrorMetrics.BRANCHES_STALLED)).isEqualTo(1.0);
        assertThat(view.stalled()).isTrue();
        assertThat(view.inSync()).isFalse();
        assertThat(view.stallReason()).hasValueSatisfying(r -> assertThat(r).contains("9000000000").contains("frozen"));
    }

    // --- alarm gauges

    @Test
    void alarmGauges_shouldCountOnlyMirrorsIntoThisRegion_whilePerBranchGaugesCoverTheOrganization() {
        MirrorId here = activeMirror("m1", "analytics-eu", HERE);
        sensed(here, MAIN, 2, T0.plusSeconds(60), 3);
        sensed(here, DEV, 1, T0, 1);
        MirrorId elsewhere = activeMirror("m2", "analytics-ap", ELSEWHERE);
        sensed(elsewhere, MAIN, 5, T0.minusSeconds(600), 10);

        MirrorMetrics.Summary summary = metrics.refresh();

        assertThat(alarm(MirrorMetrics.LAG_MAX)).isEqualTo(120.0);
        assertThat(alarm(MirrorMetrics.COMMITS_PENDING)).isEqualTo(4.0);
        assertThat(gauge(MirrorMetrics.BRANCH_LAG, "m2", "main")).isEqualTo(720.0);
        assertThat(summary).isEqualTo(new MirrorMetrics.Summary(2, 3, 1, 120, 4, 0));
        assertThat(registry.get(MirrorMetrics.LAG_MAX).gauge().getId().getTags()).isEmpty();
        assertThat(registry.get(MirrorMetrics.COMMITS_PENDING).gauge().getId().getTags()).isEmpty();
    }

    @Test
    void alarmGauges_shouldReadZero_whenThisRegionHasNoMirrors() {
        metrics.refresh();

        assertThat(alarm(MirrorMetrics.LAG_MAX)).isZero();
        assertThat(alarm(MirrorMetrics.COMMITS_PENDING)).isZero();
    }

    @Test
    void alarmGauges_shouldReadNaN_beforeTheFirstRefresh() {
        assertThat(alarm(MirrorMetrics.LAG_MAX)).isNaN();
        assertThat(alarm(MirrorMetrics.COMMITS_PENDING)).isNaN();
    }

    @Test
    void alarmGauges_shouldReadNaN_whenNoRefreshSucceededForThreeIntervals() {
        metrics.refresh();
        clock.set(clock.instant().plus(INTERVAL.multipliedBy(MirrorMetrics.STALE_AFTER_INTERVALS)));
        assertThat(alarm(MirrorMetrics.LAG_MAX)).as("still fresh at the limit").isZero();

        clock.set(clock.instant().plusSeconds(1));

        assertThat(alarm(MirrorMetrics.LAG_MAX)).isNaN();
        assertThat(alarm(MirrorMetrics.COMMITS_PENDING)).isNaN();
    }

    @Test
    void refresh_shouldKeepThePreviousValues_whenTheDatabaseFails() {
        AtomicBoolean down = new AtomicBoolean();
        metrics.close();
        metrics = new MirrorMetrics(HERE, failing(db, down), registry, clock, INTERVAL, 1000);
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 2, T0, 3);
        metrics.refresh();

        down.set(true);

        assertThatThrownBy(metrics::refresh).isInstanceOf(RetryableException.class);
        assertThat(gauge(MirrorMetrics.BRANCH_COMMITS_BEHIND, "m1", "main")).isEqualTo(3.0);
        assertThat(alarm(MirrorMetrics.COMMITS_PENDING)).isEqualTo(3.0);
    }

    // --- Prometheus

    @Test
    void scrape_shouldContainTheMirrorAndAlarmSeries_underTheirPrometheusNames() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.close();
        metrics = new MirrorMetrics(HERE, db, prometheus, clock, INTERVAL, 1000);
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 2, T0, 3);
        db.recordWaiting(id, MAIN, StoreFixtures.waiting(2, 2, List.of("repos/source-repo/_lakefs/aaa")));

        metrics.refresh();
        String scrape = prometheus.scrape();

        String labels = "{branch=\"main\",mirror=\"m1\",mirror_name=\"analytics-eu\",region=\"eu-west-1\",source=\"source-repo@us-east-1\"}";
        assertThat(scrape)
                .contains("lakemirror_mirror_branch_lag_seconds" + labels + " 120.0")
                .contains("lakemirror_mirror_branch_commits_behind" + labels + " 3.0")
                .contains("lakemirror_mirror_branch_missing_files" + labels + " 1.0")
                .contains("lakemirror_mirror_state{mirror=\"m1\",mirror_name=\"analytics-eu\",region=\"eu-west-1\","
                        + "source=\"source-repo@us-east-1\",state=\"ACTIVE\"} 1.0")
                .contains("lakemirror_mirror_state{mirror=\"m1\",mirror_name=\"analytics-eu\",region=\"eu-west-1\","
                        + "source=\"source-repo@us-east-1\",state=\"FAILED\"} 0.0")
                .contains("lakemirror_mirror_lag_seconds_max 120.0")
                .contains("lakemirror_commits_pending 3.0")
                .contains("lakemirror_mirror_metrics_refresh_failures_total 0.0");
    }

    // --- lifecycle

    @Test
    void start_shouldRefreshOnItsOwnSchedule_andCountFailedRefreshes() {
        AtomicBoolean down = new AtomicBoolean();
        metrics.close();
        metrics = new MirrorMetrics(HERE, failing(db, down), registry, Clock.systemUTC(), Duration.ofMillis(50), 1000);
        activeMirror("m1", "analytics-eu", HERE);

        metrics.start();

        await().alias("first scheduled refresh").atMost(Duration.ofSeconds(60))
                .until(() -> registry.find(MirrorMetrics.MIRROR_STATE).tag("mirror", "m1").gauge() != null);
        down.set(true);
        await().alias("a failed refresh counted").atMost(Duration.ofSeconds(60))
                .until(() -> registry.get(MirrorMetrics.REFRESH_FAILURES).counter().count() >= 1);
    }

    @Test
    void close_shouldRemoveEveryMeterOfTheComponent() {
        MirrorId id = activeMirror("m1", "analytics-eu", HERE);
        sensed(id, MAIN, 1, T0, 1);
        metrics.start();
        metrics.refresh();

        metrics.close();

        assertThat(registry.getMeters()).isEmpty();
        assertThatThrownBy(metrics::start).isInstanceOf(IllegalStateException.class);
    }

    /** The database, failing every call with a retryable error while {@code down} is set. */
    static MirrorsDatabase failing(MirrorsDatabase delegate, AtomicBoolean down) {
        return (MirrorsDatabase) Proxy.newProxyInstance(MirrorsDatabase.class.getClassLoader(),
                new Class<?>[]{MirrorsDatabase.class}, (proxy, method, args) -> {
                    if (down.get()) {
                        throw new RetryableException("mirrors database unavailable (test); try again later");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A clock the test moves. */}
