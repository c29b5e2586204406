package io.lakemirror.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lakemirror.api.MirrorService;
import io.lakemirror.config.ListenAddress;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpecWriter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The API's HTTP hardening on a real Vert.x server with in-memory fakes behind it: error bodies,
 * 503 for the service's own credential failures, failed-authentication limits, request and idle
 * timeouts, the health check under an authentication flood, /metrics access and TLS.
 */
class ApiHardeningTest {
    private static final String SOURCE = "source-repo";
    private static final String BASE = "/service/replication/v1/repositories/" + SOURCE + "/mirrors";
    private static final String KEY = "AKIAADMINEXAMPLE";
    private static final String SECRET = "admin-secret-example";
    private static final User ADMIN = new User(UserId.of("admin"), Instant.EPOCH, Optional.empty(), Optional.empty());

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    private final AtomicReference<Supplier<RuntimeException>> dbFailure = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> dbGate = new AtomicReference<>();
    private final AtomicInteger checks = new AtomicInteger();
    private volatile TestCallers.Check directory = (key, secret) ->
            key.equals(KEY) && secret.reveal().equals(SECRET) ? Optional.of(ADMIN) : Optional.empty();
    private final List<ApiServer> servers = new ArrayList<>();
    private ListAppender<ILoggingEvent> log;

    @BeforeEach
    void captureLog() {
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(ApiErrors.class)).addAppender(log);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(ApiErrors.class)).detachAppender(log);
        Optional.ofNullable(dbGate.get()).ifPresent(CountDownLatch::countDown);
        servers.forEach(ApiServer::close);
    }

    /** The mirrors database, failing or stalling on demand. */
    private MirrorSpecWriter database() {
        return (MirrorSpecWriter) Proxy.newProxyInstance(MirrorSpecWriter.class.getClassLoader(),
                new Class<?>[] {MirrorSpecWriter.class}, (proxy, method, args) -> {
                    CountDownLatch gate = dbGate.get();
                    if (gate != null) {
                        gate.await(30, TimeUnit.SECONDS);
                    }
                    Supplier<RuntimeException> failure = dbFailure.get();
                    if (failure != null && method.getDeclaringClass() != Object.class) {
                        throw failure.get();
                    }
                    try {
                        return method.invoke(db, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private ApiServer start(ApiServer.Settings settings) {
        FakeLakeFs source = new FakeLakeFs();
        source.createRepository(RepositoryCreation.of(RepositoryId.of(SOURCE), StorageNamespace.of("s3://bucket-us/repos/" + SOURCE)));
        MirrorService service = new MirrorService(Region.of("us-east-1"),
                Map.of(Region.of("eu-west-1"), URI.create("http://lakefs-b.internal:8000")), source, r -> Optional.empty(),
                database(), TestCallers.everythingAllowed(), Clock.systemUTC(), 1000);
        ApiServer server = new ApiServer(settings, TestCallers.authenticator((key, secret) -> {
            checks.incrementAndGet();
            return directory.userOf(key, secret);
        }), service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.start();
        servers.add(server);
        return server;
    }

    private static ApiServer.Settings settings() {
        return ApiServer.Settings.defaults(new ListenAddress("127.0.0.1", 0))
                .withInternalNames(java.util.Set.of("lakemirror-mirrors", "lakefs-b.internal"));
    }

    private HttpResponse<String> get(ApiServer server, String path, Optional<String[]> credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20));
        credentials.ifPresent(c -> request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((c[0] + ":" + c[1]).getBytes(StandardCharsets.UTF_8))));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        }
    }

    private static Optional<String[]> keys(String key, String secret) {
        return Optional.of(new String[] {key, secret});
    }

    private static final Optional<String[]> ADMIN_KEYS = keys(KEY, SECRET);

    // ---- error bodies

    @Test
    void errorBody_shouldCarryTheCorrelationIdOfTheLog_andNoInternalDetail_whenABackendFails() {
        ApiServer server = start(settings());
        dbFailure.set(() -> new RetryableException("DynamoDB table lakemirror-mirrors: listMirrors failed:"
                + " ProvisionedThroughputExceededException (HTTP 400, request 8J2K3L4M5N6P7Q8R) via"
                + " https://dynamodb.eu-west-1.amazonaws.com for arn:aws:iam::123456789012:role/lakemirror-task",
                new IllegalStateException("SDK exception")));

        HttpResponse<String> answer = get(server, BASE, ADMIN_KEYS);

        assertThat(answer.statusCode()).isEqualTo(503);
        JsonObject body = new JsonObject(answer.body());
        String id = body.getString("correlation_id");
        assertThat(id).isNotBlank().isEqualTo(answer.headers().firstValue("X-Correlation-ID").orElseThrow());
        assertThat(body.getString("message")).isEqualTo(ApiErrors.BACKEND_UNAVAILABLE);
        assertThat(answer.body()).doesNotContain("lakemirror-mirrors", "amazonaws", "arn:aws", "8J2K3L4M5N6P7Q8R", "http");
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(id)
                .contains("DynamoDB table lakemirror-mirrors").contains("8J2K3L4M5N6P7Q8R"));
    }

    @Test
    void errorBody_shouldCarryACorrelationId_evenForAnUnknownPath() {
        HttpResponse<String> answer = get(start(settings()), "/nowhere", Optional.empty());

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(answer.body()).getString("correlation_id"))
                .isEqualTo(answer.headers().firstValue("X-Correlation-ID").orElseThrow());
    }

    @Test
    void awsCredentialFailure_shouldAnswer503_never401() {
        ApiServer server = start(settings());
        dbFailure.set(() -> new AuthenticationException("DynamoDB table lakemirror-mirrors: listMirrors failed:"
                + " UnrecognizedClientException (HTTP 400, request 7QWERTYUIOP): The security token included in the"
                + " request is invalid; check the AWS credentials", new IllegalStateException("SDK exception")));

        HttpResponse<String> answer = get(server, BASE, ADMIN_KEYS);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(answer.body()).getString("message")).isEqualTo(ApiErrors.BACKEND_CREDENTIALS);
    }

    @Test
    void authentication_shouldAnswer503_never401_whenTheDirectoryCannotAnswer() {
        ApiServer server = start(settings());
        directory = (key, secret) -> {
            throw new AuthenticationException("DynamoDB table kvstore: query failed: ExpiredTokenException; check the"
                    + " AWS credentials", new IllegalStateException("SDK exception"));
        };
        HttpResponse<String> expired = get(server, BASE, ADMIN_KEYS);
        directory = (key, secret) -> {
            throw new RetryableException("lakeFS http://lakefs-a.internal:8000 getCurrentUser(the caller's keys)"
                    + " failed: timed out", new IllegalStateException("SDK exception"));
        };
        HttpResponse<String> slow = get(server, BASE, ADMIN_KEYS);

        assertThat(expired.statusCode()).isEqualTo(503);
        assertThat(slow.statusCode()).isEqualTo(503);
        assertThat(slow.body()).contains("cannot check credentials now").doesNotContain("lakefs-a.internal");
    }

    // ---- failed authentications

    @Test
    void failedAuthentications_shouldBeRefused429PerAddress_withoutAskingLakeFs() {
        ApiServer server = start(settings().withAuthFailures(new ApiServer.AuthFailureLimits(3, 0, Duration.ofMinutes(1))));
        for (int i = 0; i < 3; i++) {
            assertThat(get(server, BASE, keys("AKIAGUESS" + i, "wrong")).statusCode()).isEqualTo(401);
        }
        int asked = checks.get();

        HttpResponse<String> refused = get(server, BASE, ADMIN_KEYS);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(s ->
                assertThat(s).isBetween(1L, 60L));
        assertThat(new JsonObject(refused.body()).getString("message")).startsWith("too many failed authentications from this address");
        assertThat(checks.get()).as("lakeFS is not asked once the address is limited").isEqualTo(asked);
        assertThat(get(server, "/healthcheck", Optional.empty()).statusCode()).isEqualTo(204);
    }

    @Test
    void failedAuthentications_shouldBeRefused429PerAccessKey_whileOtherKeysWork() {
        ApiServer server = start(settings().withAuthFailures(new ApiServer.AuthFailureLimits(0, 2, Duration.ofMinutes(1))));
        assertThat(get(server, BASE, keys(KEY, "wrong")).statusCode()).isEqualTo(401);
        assertThat(get(server, BASE, keys(KEY, "wrong again")).statusCode()).isEqualTo(401);

        assertThat(get(server, BASE, ADMIN_KEYS).statusCode()).as("even the right secret waits for the window").isEqualTo(429);
        assertThat(get(server, BASE, keys("AKIAOTHER", "wrong")).statusCode()).isEqualTo(401);
    }

    @Test
    void failedAuthentications_shouldNotCount_whenNoCredentialsWereSentOrTheDirectoryWasDown() {
        ApiServer server = start(settings().withAuthFailures(new ApiServer.AuthFailureLimits(1, 1, Duration.ofMinutes(1))));
        assertThat(get(server, BASE, Optional.empty()).statusCode()).isEqualTo(401);
        directory = (key, secret) -> {
            throw new RetryableException("lakeFS is down", new IllegalStateException("SDK exception"));
        };
        assertThat(get(server, BASE, ADMIN_KEYS).statusCode()).isEqualTo(503);
        directory = (key, secret) -> Optional.of(ADMIN);

        assertThat(get(server, BASE, ADMIN_KEYS).statusCode()).isEqualTo(200);
    }

    // ---- timeouts

    @Test
    void requestTimeout_shouldAnswer503WithACorrelationId_whenABackendStalls() {
        ApiServer server = start(settings().withRequestTimeout(Duration.ofMillis(300)));
        dbGate.set(new CountDownLatch(1));

        long started = System.nanoTime();
        HttpResponse<String> answer = get(server, BASE, ADMIN_KEYS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(answer.body()).getString("message")).isEqualTo(ApiErrors.TIMED_OUT);
        assertThat(new JsonObject(answer.body()).getString("correlation_id")).isNotBlank();
        assertThat(took).as("answered by the timeout, the backend still stalled").isGreaterThanOrEqualTo(Duration.ofMillis(250));
        dbGate.get().countDown();
        assertThat(get(server, "/healthcheck", Optional.empty()).statusCode()).as("the late answer breaks nothing").isEqualTo(204);
    }

    @Test
    void idleTimeout_shouldCloseAConnectionThatSendsNothing() throws IOException {
        ApiServer server = start(settings().withIdleTimeout(Duration.ofSeconds(1)));

        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();

            assertThat(in.read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        }
    }

    @Test
    void healthcheck_shouldAnswer_whileEveryAuthenticationHangs() {
        ApiServer server = start(settings());
        CountDownLatch stuck = new CountDownLatch(1);
        directory = (key, secret) -> {
            try {
                stuck.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        };
        // The prober has its own client and a warm connection, so it measures the server, not the flood's client.
        HttpClient prober = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthcheck"))
                .timeout(Duration.ofSeconds(20)).build();
        assertThat(prober.sendAsync(health, HttpResponse.BodyHandlers.discarding()).join().statusCode()).isEqualTo(204);
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            flood.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + BASE))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("AKIAFLOOD" + i + ":x")
                            .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().alias("the flood reached the authenticator").atMost(Duration.ofSeconds(60)).until(() -> checks.get() >= ApiServer.AUTH_THREADS);
        try {
            for (int i = 0; i < 5; i++) {
                // The request's timeout is shorter than the hang: an answer queued behind the authentications times out.
                assertThat(prober.sendAsync(health, HttpResponse.BodyHandlers.discarding()).join().statusCode()).isEqualTo(204);
            }
            assertThat(checks.get()).as("the flood holds every authentication thread, and no more").isEqualTo(ApiServer.AUTH_THREADS);
        } finally {
            stuck.countDown();
        }
        flood.forEach(f -> assertThat(f.join().statusCode()).isIn(401, 429, 503));
    }

    // ---- /metrics

    @Test
    void metrics_shouldBeOpenByDefault() {
        assertThat(get(start(settings()), "/metrics", Optional.empty()).statusCode()).isEqualTo(200);
    }

    @Test
    void metrics_shouldNeedKeys_whenAuthenticated() {
        ApiServer server = start(settings().withMetrics(ApiServer.MetricsAccess.AUTHENTICATED));

        assertThat(get(server, "/metrics", Optional.empty()).statusCode()).isEqualTo(401);
        assertThat(get(server, "/metrics", keys(KEY, "wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> scraped = get(server, "/metrics", ADMIN_KEYS);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }

    @Test
    void metrics_shouldNotBeServedOnTheApiListener_whenOff() {
        HttpResponse<String> answer = get(start(settings().withMetrics(ApiServer.MetricsAccess.OFF)), "/metrics", ADMIN_KEYS);

        assertThat(answer.statusCode()).isEqualTo(404);
    }

    // ---- TLS

    @Test
    void tls_shouldServeHttpsWithThePemFiles_andRefusePlainHttp(@TempDir Path dir) throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir);
        ApiServer server = start(settings().withTls(new ApiServer.Tls(pem.certificate(), pem.privateKey())));
        HttpClient https = HttpClient.newBuilder().sslContext(pem.trustingClient()).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/healthcheck")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> mirrors = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + BASE))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((KEY + ":" + SECRET)
                        .getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(204);
        assertThat(mirrors.statusCode()).isEqualTo(200);
        assertThat(health.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLS"));
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthcheck"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP on the TLS port").isInstanceOfAny(IOException.class, ConnectException.class);
    }

    @Test
    void tls_shouldRefuseToStart_whenThePemFilesAreUnusable(@TempDir Path dir) throws IOException {
        Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "not a key");

        assertThatThrownBy(() -> start(settings().withTls(new ApiServer.Tls(cert, key))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the API did not start");
    }
}
