package io.lakemirror.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.api.http.ApiServer;
import io.lakemirror.api.http.SelfSignedPem;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.aws.dynamodb.DynamoDbErrors;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.launcher.Backends;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.launcher.Workers;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.store.MirrorSpecWriter;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import io.lakemirror.testserver.LakeFsTestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The API's hardening on the real backends: OSS lakeFS (the lakeFS test server) checked with auth.mode
 * lakefs_api, the mirrors table on dynoxide. A slow lakeFS under 100 concurrent requests with unknown
 * keys, error bodies made of real adapter failures (lakeFS over HTTP, DynamoDB SDK exceptions through
 * DynamoDbErrors), and the listener's TLS and /metrics settings through Workers and RegionProcess.
 */
class ApiHardeningIT {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHardeningIT.class);
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final String ADMIN_KEY = "AKIAHARDENINGADMIN";
    private static final String ADMIN_SECRET = "hardening-admin-secret";
    private static final String SOURCE = "source-repo";
    private static final String BASE = "/service/replication/v1/repositories/" + SOURCE + "/mirrors";
    private static World world;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void startWorld() {
        world = World.builder().regions(A, B).adminUser("admin", ADMIN_KEY, ADMIN_SECRET)
                .auth(AuthMode.LAKEFS_API, AuthFlavour.BASIC).start();
        world.s3Mock().createBucket("bucket-us");
        world.s3Mock().createBucket("bucket-eu");
        new LakeFsUser(world.site(A).lakeFsEndpoint(), ADMIN_KEY, ADMIN_SECRET).createRepository(RepositoryId.of(SOURCE),
                "s3://bucket-us/repos/" + SOURCE);
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        lakeFsA().faults().reset();
        Collections.reverse(running);
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    private static LakeFsTestServer lakeFsA() {
        return world.site(A).lakeFs();
    }

    private ReplicationConfig config(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(world.site(A).configValues());
        values.putAll(overrides);
        return ConfigLoader.fromMap(values);
    }

    private Backends backends(ReplicationConfig config) {
        Backends backends = Backends.of(config, LocalServices.dynoxideShims(config));
        running.add(backends);
        return backends;
    }

    private ApiServer api(ReplicationConfig config) {
        ApiServer server = Workers.api(backends(config), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.start();
        running.add(server::close);
        return server;
    }

    private HttpRequest request(int port, String path, Optional<String[]> keys) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60));
        keys.ifPresent(k -> request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((k[0] + ":" + k[1]).getBytes(StandardCharsets.UTF_8))));
        return request.build();
    }

    private HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        }
    }

    private static final Optional<String[]> ADMIN = Optional.of(new String[] {ADMIN_KEY, ADMIN_SECRET});

    // ---- a slow lakeFS

    @Test
    void healthcheck_shouldNeverWaitOnLakeFs_while100UnauthenticatedRequestsWaitOnASlowLakeFs() {
        ApiServer server = api(config(Map.of("auth.mode", "lakefs_api", "api.auth_timeout", "1s")));
        HttpClient prober = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest health = request(server.port(), "/healthcheck", Optional.empty());
        assertThat(send(prober, health).statusCode()).isEqualTo(204);
        // The first check opens the pooled connection; on a loaded machine it may outlast the 1 s timeout once.
        await("lakeFS answers before the fault").atMost(Duration.ofSeconds(60))
                .until(() -> send(http, request(server.port(), BASE, ADMIN)).statusCode() == 200);
        lakeFsA().faults().delay(1.0, Duration.ofSeconds(5));

        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        List<Long> finishedAt = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 100; i++) {
            flood.add(http.sendAsync(request(server.port(), BASE, Optional.of(new String[] {"AKIAUNKNOWN" + i, "guess-" + i})),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> finishedAt.add(System.nanoTime())));
        }
        List<Duration> probes = new ArrayList<>();
        AtomicBoolean floodDone = new AtomicBoolean();
        CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> floodDone.set(true));
        await().alias("the flood answered while the health check is probed")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    long t0 = System.nanoTime();
                    assertThat(send(prober, health).statusCode()).isEqualTo(204);
                    probes.add(Duration.ofNanos(System.nanoTime() - t0));
                    return floodDone.get();
                });
        Duration allAnswered = Duration.ofNanos(Collections.max(finishedAt) - started);

        Map<Integer, Long> statuses = new TreeMap<>(flood.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting())));
        List<Duration> sorted = probes.stream().sorted().toList();
        LOG.info("slow lakeFS (5 s per call, api.auth_timeout 1s): 100 requests with unknown keys answered {} in {};"
                + " {} health checks meanwhile, median {} ms, max {} ms", statuses, allAnswered, probes.size(),
                sorted.get(sorted.size() / 2).toMillis(), sorted.get(sorted.size() - 1).toMillis());
        assertThat(probes).as("health checks during the flood").hasSizeGreaterThanOrEqualTo(3)
                // lakeFS takes 5 s per call: a health check queued behind the flood's checks would take longer.
                .allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(5)));
        assertThat(statuses.keySet()).as("timed-out checks are 503 (lakeFS did not answer), never 401").containsOnly(503);
        lakeFsA().faults().reset();
        assertThat(send(http, request(server.port(), BASE, ADMIN)).statusCode()).as("recovered with lakeFS").isEqualTo(200);
    }

    // ---- error bodies of real adapter failures

    @Test
    void errorBody_shouldKeepLakeFsUrlsOut_whenLakeFsFailsOrLacksTheRepository() {
        ApiServer server = api(config(Map.of("auth.mode", "lakefs_api", "auth.cache.enabled", "true")));
        assertThat(send(http, request(server.port(), BASE, ADMIN)).statusCode()).isEqualTo(200);
        String lakeFsHost = world.site(A).lakeFsEndpoint().getAuthority();

        lakeFsA().faults().failNext(3, 503);
        HttpResponse<String> unavailable = send(http, post(server.port(), BASE));
        HttpResponse<String> missing = send(http, post(server.port(), "/service/replication/v1/repositories/no-such-repo/mirrors"));

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(message(unavailable)).isEqualTo("a backend of the replication service is unavailable; retry later");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(message(missing)).isEqualTo("lakeFS: repository not found");
        for (HttpResponse<String> answer : List.of(unavailable, missing)) {
            assertThat(answer.body()).doesNotContain(lakeFsHost, "http://", "getRepository");
            assertThat(new JsonObject(answer.body()).getString("correlation_id"))
                    .isEqualTo(answer.headers().firstValue("X-Correlation-ID").orElseThrow());
        }
    }

    private HttpRequest post(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN_KEY + ":" + ADMIN_SECRET)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "mirror-x").put("region", B)
                        .put("storage_namespace", "s3://bucket-eu/repos/" + SOURCE).encode()))
                .build();
    }

    private static String message(HttpResponse<String> answer) {
        return new JsonObject(answer.body()).getString("message");
    }

    private static final String ROLE = "arn:aws:sts::123456789012:assumed-role/lakemirror-api/task-1";
    private static final String REQUEST_ID = "V0QNQ3M8AEH6S0Q9P4A7B2C1D5E6F7G8";

    static List<Arguments> dynamoDbFailures() {
        return List.of(
                Arguments.of("expired AWS credentials", (Supplier<SdkException>) () -> aws("ExpiredTokenException",
                        "The security token included in the request is expired", 400), 503,
                        "the replication service's own credentials for lakeFS or AWS were refused"),
                Arguments.of("invalid AWS credentials", (Supplier<SdkException>) () -> aws("UnrecognizedClientException",
                        "The security token included in the request is invalid.", 400), 503,
                        "the replication service's own credentials for lakeFS or AWS were refused"),
                Arguments.of("a role without access", (Supplier<SdkException>) () -> aws("AccessDeniedException",
                        "User: " + ROLE + " is not authorized to perform: dynamodb:Query on resource: "
                                + "arn:aws:dynamodb:us-east-1:123456789012:table/TABLE", 400), 503,
                        "the replication service is not allowed to use one of its backends"),
                Arguments.of("a missing table", (Supplier<SdkException>) () -> ResourceNotFoundException.builder()
                        .message("Requested resource not found: Table: TABLE not found").requestId(REQUEST_ID)
                        .statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
                                .errorMessage("Requested resource not found: Table: TABLE not found").build()).build(), 503,
                        "a backend resource of the replication service is missing"),
                Arguments.of("throttling", (Supplier<SdkException>) () -> aws("ThrottlingException",
                        "Rate of requests exceeds the allowed throughput.", 400), 503,
                        "a backend of the replication service is unavailable"));
    }

    private static SdkException aws(String code, String message, int status) {
        return DynamoDbException.builder().message(message + " (Service: DynamoDb, Status Code: " + status
                        + ", Request ID: " + REQUEST_ID + ")").requestId(REQUEST_ID).statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("DynamoDb").build())
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dynamoDbFailures")
    void errorBody_shouldNameNoTableArnOrRequestId_andAnswer503_whenDynamoDbFails(String why,
            Supplier<SdkException> failure, int status, String message) {
        ReplicationConfig config = config(Map.of("auth.mode", "lakefs_api"));
        Backends backends = backends(config);
        String table = world.mirrorsTable();
        AtomicReference<Function<String, RuntimeException>> failing = new AtomicReference<>(call -> DynamoDbErrors.translate(table,
                call, rewrite(failure.get(), table)));
        MirrorService service = new MirrorService(config.region(), config.dstEndpoints(), backends.localLakeFs(),
                region -> Optional.empty(), failingDatabase(backends.mirrorsDatabase(), failing), new Authorizer(
                backends.callerDirectory(), false, 10, Duration.ofSeconds(1)), Clock.systemUTC(), 1000);
        ApiServer server = new ApiServer(ApiServer.Settings.from(config), new Authenticator(backends.callerDirectory(), false, 10,
                Duration.ofSeconds(1)), service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.start();
        running.add(server::close);

        HttpResponse<String> answer = send(http, request(server.port(), BASE, ADMIN));

        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(message(answer)).startsWith(message);
        assertThat(answer.body()).doesNotContain(table, REQUEST_ID, "arn:aws", "123456789012", "DynamoDB", "http");
        assertThat(new JsonObject(answer.body()).getString("correlation_id")).isNotBlank();
    }

    /** The SDK exception as DynamoDB would word it for this test's table. */
    private static SdkException rewrite(SdkException e, String table) {
        if (e instanceof DynamoDbException d) {
            AwsErrorDetails details = d.awsErrorDetails();
            return (SdkException) d.toBuilder().message(d.getMessage().replace("TABLE", table))
                    .awsErrorDetails(details.toBuilder().errorMessage(details.errorMessage().replace("TABLE", table)).build())
                    .build();
        }
        return e;
    }

    private static MirrorSpecWriter failingDatabase(MirrorSpecWriter db, AtomicReference<Function<String, RuntimeException>> failure) {
        return (MirrorSpecWriter) Proxy.newProxyInstance(MirrorSpecWriter.class.getClassLoader(),
                new Class<?>[] {MirrorSpecWriter.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() != Object.class && failure.get() != null) {
                        throw failure.get().apply(method.getName() + "(organization " + world.organizationId() + ")");
                    }
                    try {
                        return method.invoke(db, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    // ---- the listener: TLS, /metrics on the health listener only

    @Test
    void listener_shouldServeHttps_andLeaveMetricsToTheHealthListener_asConfigured(@TempDir Path dir) throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir);
        ReplicationConfig config = config(Map.of("auth.mode", "lakefs_api", "tls.enabled", "true",
                "tls.cert_file", pem.certificate().toString(), "tls.key_file", pem.privateKey().toString(),
                "api.metrics", "off"));
        RegionProcess process = RegionProcess.start(config, LocalServices.dynoxideShims(config), b -> { },
                EnumSet.of(RegionProcess.Part.API));
        running.add(process);
        int apiPort = process.apiPort().orElseThrow();
        HttpClient https = HttpClient.newBuilder().sslContext(pem.trustingClient()).connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> mirrors = send(https, HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + apiPort + BASE))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN_KEY + ":" + ADMIN_SECRET)
                        .getBytes(StandardCharsets.UTF_8))).build());
        HttpResponse<String> apiMetrics = send(https, HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + apiPort
                + "/metrics")).build());
        HttpResponse<String> healthMetrics = send(http, request(process.healthPort(), "/metrics", Optional.empty()));

        assertThat(mirrors.statusCode()).isEqualTo(200);
        assertThat(mirrors.sslSession()).isPresent();
        assertThat(apiMetrics.statusCode()).as("/metrics off on the API listener").isEqualTo(404);
        assertThat(healthMetrics.statusCode()).as("/metrics on health.listen_address").isEqualTo(200);
        assertThat(healthMetrics.body()).contains("lakemirror_");
    }
}
