package io.lakemirror.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy's partition, corruption and 403 answers, in front of a small HTTP server that echoes a fixed body. */
class HttpFaultProxyTest {
    private static final String BODY = "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static Vertx vertx;
    private static HttpServer upstream;
    private static HttpFaultProxy proxy;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(r -> r.response().end(BODY))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        proxy = HttpFaultProxy.builder("test", URI.create("http://127.0.0.1:" + upstream.actualPort())).start();
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(proxy.endpoint().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void partition_shouldResetTheConnectionWithoutAnswer_whenTheRequestMatches_andForwardOthers() throws Exception {
        proxy.partition(e -> e.path().startsWith("/cut"));
        try {
            assertThatThrownBy(() -> get("/cut/x")).isInstanceOf(IOException.class);
            assertThat(get("/open/x").body()).isEqualTo(BODY);
            assertThat(proxy.partitioned()).isGreaterThanOrEqualTo(1);
        } finally {
            proxy.partition(e -> false);
        }
        assertThat(get("/cut/x").body()).isEqualTo(BODY);
    }

    @Test
    void corrupt_shouldServeAlteredBytesOfTheSameLength_whenTheRequestMatches() throws Exception {
        proxy.corrupt(e -> e.path().startsWith("/bad"));
        try {
            String altered = get("/bad/range").body();
            assertThat(altered).hasSameSizeAs(BODY).isNotEqualTo(BODY);
            assertThat(get("/good/range").body()).isEqualTo(BODY);
        } finally {
            proxy.reset();
        }
        assertThat(get("/bad/range").body()).isEqualTo(BODY);
    }

    @Test
    void fail_shouldAnswer403AccessDenied_whenGivenS3sAccessDeniedAnswer() throws Exception {
        proxy.seed(7).fail(1.0, HttpFaultProxy.ErrorAnswer.s3AccessDenied());
        try {
            HttpResponse<String> answer = get("/bucket/key");
            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.body()).contains("<Code>AccessDenied</Code>");
        } finally {
            proxy.reset();
        }
    }
}
