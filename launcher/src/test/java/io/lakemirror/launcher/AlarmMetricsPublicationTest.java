package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.api.metrics.MirrorMetrics;
import io.lakemirror.aws.cloudwatch.CloudWatchMetrics;
import io.lakemirror.aws.cloudwatch.RecordingCloudWatchClient;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.metrics.AlarmMetric;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.StoreFixtures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The process wiring the launcher uses (Prometheus and CloudWatch under one composite registry),
 * checked on the exact PutMetricData request: the CDK alarms match names and dimensions exactly.
 */
class AlarmMetricsPublicationTest {
    private static final Region HERE = StoreFixtures.DESTINATION;
    private static final Instant T0 = StoreFixtures.T0;

    private final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    private final MockClock meterClock = new MockClock();
    private final RecordingCloudWatchClient client = new RecordingCloudWatchClient();

    @Test
    void alarmMetrics_shouldBeTheMetersThatMirrorMetricsAndThePromoterRegister() {
        assertThat(CloudWatchMetrics.ALARM_METRICS).extracting(AlarmMetric::meterName)
                .containsExactlyInAnyOrder(MirrorMetrics.LAG_MAX, AlarmMetric.PROMOTIONS_COMPLETED.meterName(),
                        MirrorMetrics.COMMITS_PENDING,
                        // The per-branch stall signal (issue 19b) registers this gauge; the CDK alarm reads it.
                        AlarmMetric.STALLED_BRANCHES.meterName());
    }

    @Test
    void cloudWatch_shouldReceiveOnlyTheAlarmMetricsWithoutDimensions_whilePrometheusKeepsEverySeries() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry meters = new CompositeMeterRegistry(meterClock, List.of(prometheus));
        meters.config().commonTags("service", "lakemirror");
        MeterRegistry cloudWatch = CloudWatchMetrics.registry(
                new ReplicationConfig.CloudWatchSettings(true, "lakemirror", Duration.ofMinutes(1), Optional.empty()),
                client, meterClock);
        meters.add(cloudWatch);
        Counter promotions = Counter.builder(AlarmMetric.PROMOTIONS_COMPLETED.meterName()).register(meters);
        MirrorMetrics metrics = new MirrorMetrics(HERE, db, meters, Clock.fixed(T0.plusSeconds(300), ZoneOffset.UTC),
                Duration.ofSeconds(15), 1000);
        MirrorSpec here = spec("m1", "analytics-eu", HERE);
        MirrorSpec elsewhere = spec("m2", "analytics-ap", Region.of("ap-south-1"));
        db.createMirror(here);
        db.createMirror(elsewhere);
        sensed(here.id(), T0, 4);
        sensed(elsewhere.id(), T0.minusSeconds(3600), 50);

        metrics.refresh();
        promotions.increment();
        meterClock.add(Duration.ofSeconds(30));
        cloudWatch.close();

        assertThat(prometheus.find(MirrorMetrics.BRANCH_LAG).gauges()).as("whole organization").hasSize(2);
        metrics.close();

        Instant at = Instant.ofEpochMilli(meterClock.wallTime());
        assertThat(client.requests()).singleElement().satisfies(request -> {
            assertThat(request.namespace()).isEqualTo("lakemirror");
            assertThat(request.metricData()).containsExactlyInAnyOrder(
                    datum("MirrorLagSeconds", 300, StandardUnit.SECONDS, at),
                    datum("CommitsPending", 4, StandardUnit.COUNT, at),
                    datum("StalledBranches", 0, StandardUnit.COUNT, at),
                    datum("PromotionsCompleted", 1, StandardUnit.COUNT, at));
        });
    }

    private void sensed(MirrorId id, Instant at, long commits) {
        db.putSensorBranchState(new SensorBranchState(id, BranchId.of("main"), 1, Optional.of(StoreFixtures.commitId(1)), at,
                true, commits), 0);
    }

    private static MetricDatum datum(String name, double value, StandardUnit unit, Instant at) {
        return MetricDatum.builder().storageResolution(60).metricName(name).dimensions(List.of()).timestamp(at)
                .value(value).unit(unit).build();
    }

    private static MirrorSpec spec(String id, String name, Region destination) {
        return new MirrorSpec(MirrorId.of(id), RepositoryId.of(name), RepositoryId.of("source-repo"), StoreFixtures.SOURCE,
                destination, StorageNamespace.of("s3://bucket/repos/source-repo"), BranchId.of("main"), T0, "admin",
                Optional.empty());
    }
}
