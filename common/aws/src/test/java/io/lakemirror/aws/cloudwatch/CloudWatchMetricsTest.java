package io.lakemirror.aws.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.sun.net.httpserver.HttpServer;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

class CloudWatchMetricsTest {
    private static final ReplicationConfig.CloudWatchSettings SETTINGS =
            new ReplicationConfig.CloudWatchSettings(true, "lakemirror", Duration.ofMinutes(1), Optional.empty());

    private final MockClock clock = new MockClock();
    private final RecordingCloudWatchClient client = new RecordingCloudWatchClient();

    private static ReplicationConfig config(Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "eu-west-1",
                "organization_id", "acme",
                "regional_endpoint", "http://lakefs-b.example.com:8000",
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "s3cr3t",
                "mirrors_database.type", "dynamodb",
                "mirrors_database.dynamodb.table_name", "lakemirror",
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "s3cr3t-encrypt",
                "dst_endpoints", Map.of("us-east-1", "http://lakefs-a.example.com:8000")));
        values.putAll(extra);
        return ConfigLoader.fromMap(values);
    }

    private MetricDatum datum(String name, double value, StandardUnit unit) {
        return MetricDatum.builder().storageResolution(60).metricName(name).dimensions(List.of())
                .timestamp(Instant.ofEpochMilli(clock.wallTime())).value(value).unit(unit).build();
    }

    @Test
    void registry_shouldPublishOnlyTheAlarmMetrics_underTheirCloudWatchNamesWithoutDimensions() {
        MeterRegistry registry = CloudWatchMetrics.registry(SETTINGS, client, clock);
        AtomicLong lag = registry.gauge("lakemirror.mirror.lag.seconds.max", Tags.of("region", "eu-west-1"), new AtomicLong(1234));
        AtomicLong pending = registry.gauge("lakemirror.commits.pending", new AtomicLong(7));
        Counter promotions = registry.counter("lakemirror.promoter.promotions", "service", "promoter");
        registry.gauge("lakemirror.mirror.branch.lag", Tags.of("mirror", "m1", "branch", "main"), new AtomicLong(99));
        registry.counter("lakemirror.promoter.failures").increment();
        promotions.increment(2);
        clock.add(Duration.ofSeconds(30));

        registry.close();

        assertThat(lag).hasValue(1234);
        assertThat(pending).hasValue(7);
        assertThat(client.requests()).singleElement().satisfies(request -> {
            assertThat(request.namespace()).isEqualTo("lakemirror");
            assertThat(request.metricData()).containsExactlyInAnyOrder(
                    datum("MirrorLagSeconds", 1234, StandardUnit.SECONDS),
                    datum("PromotionsCompleted", 2, StandardUnit.COUNT),
                    datum("CommitsPending", 7, StandardUnit.COUNT));
        });
        assertThat(client.isClosed()).as("a client the caller passed in stays open").isFalse();
    }

    @Test
    void registry_shouldPublishZeroPromotions_whenNoneCompletedInTheStep() {
        MeterRegistry registry = CloudWatchMetrics.registry(SETTINGS, client, clock);
        registry.counter("lakemirror.promoter.promotions");
        clock.add(Duration.ofSeconds(30));

        registry.close();

        assertThat(client.requests()).singleElement()
                .satisfies(r -> assertThat(r.metricData()).containsExactly(datum("PromotionsCompleted", 0, StandardUnit.COUNT)));
    }

    @Test
    void registry_shouldSkipAGauge_whenItReadsNaN() {
        MeterRegistry registry = CloudWatchMetrics.registry(SETTINGS, client, clock);
        registry.gauge("lakemirror.mirror.lag.seconds.max", List.of(), this, ignored -> Double.NaN);
        registry.gauge("lakemirror.commits.pending", new AtomicLong(3));

        registry.close();

        assertThat(client.requests()).singleElement()
                .satisfies(r -> assertThat(r.metricData()).containsExactly(datum("CommitsPending", 3, StandardUnit.COUNT)));
    }

    @Test
    void registry_shouldSendNothing_whenTheProcessRegistersNoAlarmMetric() {
        MeterRegistry registry = CloudWatchMetrics.registry(SETTINGS, client, clock);
        registry.counter("lakemirror.validator.processed").increment();
        registry.gauge("lakemirror.mirror.branch.lag", new AtomicLong(5));

        registry.close();

        assertThat(client.requests()).isEmpty();
    }

    @Test
    void registry_shouldBeAbsent_whenCloudWatchIsDisabled() {
        assertThat(CloudWatchMetrics.registry(config(Map.of()))).isEmpty();
    }

    @Test
    void alarmMetrics_shouldMatchTheCdkAlarmsNames() {
        assertThat(CloudWatchMetrics.ALARM_METRICS).extracting(io.lakemirror.metrics.AlarmMetric::cloudWatchName)
                .containsExactly("MirrorLagSeconds", "PromotionsCompleted", "CommitsPending", "StalledBranches");
    }

    @Test
    void registry_shouldSendPutMetricDataToTheConfiguredEndpoint_whenEnabled() throws IOException {
        List<Captured> captured = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                byte[] bytes = (gzip ? new GZIPInputStream(body) : body).readAllBytes();
                captured.add(new Captured(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"), bytes));
            }
            byte[] emptyStructure = {(byte) 0xA0};
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            exchange.getResponseHeaders().add("Content-Type", "application/cbor");
            exchange.sendResponseHeaders(200, emptyStructure.length);
            exchange.getResponseBody().write(emptyStructure);
            exchange.close();
        });
        server.start();
        try {
            ReplicationConfig config = config(Map.of("metrics.cloudwatch.enabled", true,
                    "metrics.cloudwatch.namespace", "lakemirror-test",
                    "metrics.cloudwatch.endpoint", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "aws.access_key_id", "local-key", "aws.secret_access_key", "local-secret"));
            MeterRegistry registry = CloudWatchMetrics.registry(config).orElseThrow();
            registry.gauge("lakemirror.commits.pending", new AtomicLong(5));
            registry.gauge("lakemirror.mirror.branch.lag", Tags.of("branch", "main"), new AtomicLong(1));

            registry.close();
        } finally {
            server.stop(0);
        }

        assertThat(captured).singleElement().satisfies(request -> {
            assertThat(request.path()).endsWith("/operation/PutMetricData");
            assertThat(request.authorization()).contains("Credential=local-key/").contains("/eu-west-1/monitoring/");
            JsonNode body = new ObjectMapper(new CBORFactory()).readTree(request.body());
            assertThat(body.path("Namespace").asText()).isEqualTo("lakemirror-test");
            List<String> names = new ArrayList<>();
            body.path("MetricData").forEach(d -> {
                names.add(d.path("MetricName").asText());
                assertThat(d.path("Dimensions").size()).as("dimensions of %s", d).isZero();
                assertThat(d.path("Value").asDouble()).isEqualTo(5.0);
                assertThat(d.path("Unit").asText()).isEqualTo("Count");
            });
            assertThat(names).containsExactly("CommitsPending");
        });
    }

    private record Captured(String path, String authorization, byte[] body) {
    }
}
