package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.config.ListenAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private static HttpResponse<String> get(HealthServer server, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HealthServer start(Map<String, HealthServer.Check> checks, AtomicBoolean running) {
        return HealthServer.start(new ListenAddress("127.0.0.1", 0), checks, running::get, metrics);
    }

    @Test
    void healthcheck_shouldAnswer200_whenComponentsRunAndEveryCheckPasses() throws Exception {
        try (HealthServer server = start(Map.of("mirrors_database", () -> { }), new AtomicBoolean(true))) {
            HttpResponse<String> response = get(server, "/healthcheck");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"ready\":true").contains("\"mirrors_database\":\"ok\"");
        }
    }

    @Test
    void healthcheck_shouldAnswer503NamingTheBackend_whenACheckFails() throws Exception {
        Map<String, HealthServer.Check> checks = new LinkedHashMap<>();
        checks.put("mirrors_database", () -> { });
        checks.put("commits_queue", () -> {
            throw new IllegalStateException("queue endpoint refused the connection");
        });
        try (HealthServer server = start(checks, new AtomicBoolean(true))) {
            HttpResponse<String> response = get(server, "/healthcheck");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("\"ready\":false")
                    .contains("\"commits_queue\":\"IllegalStateException: queue endpoint refused the connection\"");
        }
    }

    @Test
    void healthcheck_shouldAnswer503_whenComponentsHaveNotStarted() throws Exception {
        try (HealthServer server = start(Map.of(), new AtomicBoolean(false))) {
            HttpResponse<String> response = get(server, "/healthcheck");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("\"components\":\"starting or stopped\"");
        }
    }

    @Test
    void live_shouldAnswer204_whenBackendsFail() throws Exception {
        try (HealthServer server = start(Map.of("lakefs", () -> {
            throw new IllegalStateException("down");
        }), new AtomicBoolean(true))) {
            assertThat(get(server, "/healthcheck/live").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void metrics_shouldServeThePrometheusRegistry_whenScraped() throws Exception {
        Counter.builder("lakemirror.validator.test.events").register(metrics).increment(3);
        try (HealthServer server = start(Map.of(), new AtomicBoolean(true))) {
            HttpResponse<String> response = get(server, "/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(response.body()).contains("lakemirror_validator_test_events_total 3.0");
        }
    }

    @Test
    void unknownPath_shouldAnswer404_whenNotAHealthPath() throws Exception {
        try (HealthServer server = start(Map.of(), new AtomicBoolean(true))) {
            assertThat(get(server, "/healthcheck/other").statusCode()).isEqualTo(404);
        }
    }
}
