package io.lakemirror.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LATE_EXECUTION's three forms, in front of a server that records every request it executes: a
 * write lands although its client never learns it did, and a zombie write reaches the server only
 * after its client gave up.
 */
class HttpFaultProxyLateExecutionTest {
    private static Vertx vertx;
    private static HttpServer upstream;
    private static HttpFaultProxy proxy;
    private static final List<String> executed = new CopyOnWriteArrayList<>();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(r -> {
            executed.add(r.method() + " " + r.path());
            r.response().end("done");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        proxy = HttpFaultProxy.builder("late", URI.create("http://127.0.0.1:" + upstream.actualPort())).start();
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void heal() {
        proxy.reset();
        executed.clear();
    }

    private static HttpResponse<String> put(String path, Duration timeout) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(proxy.endpoint().resolve(path)).timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void lateWrites(HttpFaultProxy.Late how, Duration by) {
        proxy.seed(1).lateExecution(1.0, e -> e.method().equals("PUT"), how, by);
    }

    @Test
    void lateExecution_shouldForwardTheWriteOnlyAfterItsClientGaveUp_whenItIsAZombie() {
        long before = proxy.lateExecuted();
        lateWrites(HttpFaultProxy.Late.ZOMBIE, Duration.ofSeconds(3));

        assertThatThrownBy(() -> put("/branches/main/hard_reset", Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(executed).as("held while the client waited").isEmpty();

        await().alias("the zombie write reaches the server after its client gave up").atMost(Duration.ofSeconds(60))
                .until(() -> executed.contains("PUT /branches/main/hard_reset"));
        assertThat(proxy.lateExecuted()).isEqualTo(before + 1);
    }

    @Test
    void lateExecution_shouldExecuteTheWriteAndHoldItsAnswerBack_whenTheAnswerIsLate() {
        lateWrites(HttpFaultProxy.Late.ANSWER_LATE, Duration.ofSeconds(30));

        assertThatThrownBy(() -> put("/branches/main/hard_reset", Duration.ofSeconds(2)))
                .isInstanceOf(HttpTimeoutException.class);

        await().alias("the write landed although its client timed out").atMost(Duration.ofSeconds(60))
                .until(() -> executed.contains("PUT /branches/main/hard_reset"));
    }

    @Test
    void lateExecution_shouldExecuteTheWriteAndCloseTheConnection_whenTheAnswerIsDropped() {
        lateWrites(HttpFaultProxy.Late.ANSWER_DROPPED, Duration.ZERO);

        assertThatThrownBy(() -> put("/branches/main", Duration.ofSeconds(30))).isInstanceOf(IOException.class);

        await().alias("the write landed although its client saw the connection close").atMost(Duration.ofSeconds(60))
                .until(() -> executed.contains("PUT /branches/main"));
    }

    @Test
    void lateExecution_shouldForwardOtherRequestsAsUsual() throws Exception {
        long before = proxy.lateExecuted();
        lateWrites(HttpFaultProxy.Late.ZOMBIE, Duration.ofSeconds(30));

        HttpResponse<String> read = CLIENT.send(HttpRequest.newBuilder(proxy.endpoint().resolve("/branches/main"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(read.body()).isEqualTo("done");
        assertThat(proxy.lateExecuted()).isEqualTo(before);
    }
}
