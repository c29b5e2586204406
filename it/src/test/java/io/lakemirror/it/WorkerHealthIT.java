package io.lakemirror.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.testkit.World;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A process that runs only the validator serves its own {@code /healthcheck} and {@code /metrics}
 * on {@code health.listen_address}, as a Kubernetes or ECS deployment of one worker probes and
 * scrapes it: ready once the mirrors database and this region's commits queue answer, with the
 * validator's meters in the scrape.
 */
class WorkerHealthIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static World world;
    private static RegionProcess validatorOnly;

    @BeforeAll
    static void start() {
        world = World.builder().regions(A, B).withoutLakeFs().start();
        validatorOnly = RegionProcess.start(world.config(B), EnumSet.of(RegionProcess.Part.VALIDATOR));
    }

    @AfterAll
    static void stop() {
        if (validatorOnly != null) {
            validatorOnly.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + validatorOnly.healthPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthcheck_shouldBeReadyWithItsBackendsChecked_whenOnlyTheValidatorRuns() {
        await().alias("validator-only process ready").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = get("/healthcheck");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"mirrors_database\":\"ok\"").contains("\"commits_queue\":\"ok\"")
                    .doesNotContain("lakefs");
        });
    }

    @Test
    void live_shouldAnswer204_whenOnlyTheValidatorRuns() throws Exception {
        assertThat(get("/healthcheck/live").statusCode()).isEqualTo(204);
    }

    @Test
    void metrics_shouldServeTheValidatorsMeters_whenOnlyTheValidatorRuns() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("lakemirror_validator_").doesNotContain("lakemirror_sensor_");
    }

    @Test
    void apiPort_shouldBeAbsent_whenOnlyTheValidatorRuns() {
        assertThat(validatorOnly.apiPort()).isEmpty();
    }
}
