package io.lakemirror.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.api.Authenticator;
import io.lakemirror.api.Authorizer;
import io.lakemirror.api.MirrorAudits;
import io.lakemirror.api.MirrorService;
import io.lakemirror.api.OperatorService;
import io.lakemirror.api.dashboard.LagHistory;
import io.lakemirror.api.metrics.MirrorMetrics;
import io.lakemirror.audit.AuditTarget;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.InMemoryCallerDirectory;
import io.lakemirror.blockstore.InMemoryBlockStore;
import io.lakemirror.config.ListenAddress;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator routes (every mirror, lag history, integrity audits) and the dashboard's files, on in-memory fakes:
 * audits of mirrors named {@code slow-*} block until the test releases them, to fill the audit slots.
 */
class OperatorApiTest {
    private static final String[] ADMIN = {"AKIAADMINEXAMPLE", "admin-secret"};
    private static final Region US = Region.of("us-east-1");
    private static final Region EU = Region.of("eu-west-1");
    private static final String V1 = "/service/replication/v1";
    private final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    private final FakeLakeFs source = new FakeLakeFs();
    private final FakeLakeFs destination = new FakeLakeFs();
    private final InMemoryBlockStore bucket = new InMemoryBlockStore();
    private final CountDownLatch release = new CountDownLatch(1);
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private LagHistory history;
    private ApiServer server;
    private ApiTestClient client;

    @BeforeEach
    void start() {
        InMemoryCallerDirectory directory = new InMemoryCallerDirectory(AuthFlavour.BASIC).addUser("admin", ADMIN[0], ADMIN[1]);
        for (String name : new String[] {"sales", "slow-1", "slow-2", "slow-3"}) {
            mirror(name);
        }
        db.createMirror(new MirrorSpec(MirrorId.of("other-region"), RepositoryId.of("other-mirror"), RepositoryId.of("other"),
                EU, US, StorageNamespace.of("s3://bucket-us/other"), BranchId.of("main"), Instant.now(), "admin",
                Optional.empty()));
        Authorizer authorizer = new Authorizer(directory, false, 10, Duration.ofSeconds(1));
        MirrorService service = new MirrorService(US, Map.of(EU, URI.create("http://lakefs-b")), source,
                r -> Optional.of(destination), db, authorizer, Clock.systemUTC(), 1000);
        history = new LagHistory(metrics, Duration.ofSeconds(1), Duration.ofMinutes(1), Clock.systemUTC());
        MirrorAudits audits = new MirrorAudits(spec -> new AuditTarget(spec,
                spec.sourceRepository().value().startsWith("slow") ? blocking(source) : source, destination, bucket,
                Optional.of(db)), 2, 4, Clock.systemUTC());
        OperatorService operator = new OperatorService(US, db, authorizer, Clock.systemUTC(), 1000, audits, history);
        server = new ApiServer(ApiServer.Settings.defaults(new ListenAddress("127.0.0.1", 0)),
                new Authenticator(directory, true, 100, Duration.ofSeconds(20)), service, metrics, Optional.of(operator));
        server.start();
        client = new ApiTestClient(server.port());
    }

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        server.close();
    }

    private void mirror(String name) {
        RepositoryId repo = RepositoryId.of(name);
        RepositoryId mirror = RepositoryId.of(name + "-mirror");
        source.createRepository(RepositoryCreation.of(repo, StorageNamespace.of("s3://bucket-us/" + name)));
        StorageNamespace ns = StorageNamespace.of("s3://bucket-eu/" + name);
        destination.createRepository(RepositoryCreation.mirror(mirror, ns, BranchId.of("main")));
        db.createMirror(new MirrorSpec(MirrorId.of("m-" + name), mirror, repo, US, EU, ns, BranchId.of("main"),
                Instant.now(), "admin", Optional.empty()));
    }

    private LakeFs blocking(LakeFs delegate) {
        return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                (proxy, method, args) -> {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private ApiTestClient.Response send(HttpMethod method, String path) {
        return client.send(method, path, Optional.of(ADMIN), Optional.empty());
    }

    @Test
    void listAllMirrors_shouldListEveryMirrorOfThisRegionsSources_withTheirBranches() {
        ApiTestClient.Response response = send(HttpMethod.GET, V1 + "/mirrors");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().getJsonArray("results").stream().map(m -> ((JsonObject) m).getString("id")))
                .containsExactly("m-sales", "m-slow-1", "m-slow-2", "m-slow-3");
        assertThat(response.json().getJsonArray("results").getJsonObject(0).getJsonArray("branches")).isNotNull();
    }

    @Test
    void listAllMirrors_shouldPage_whenAmountIsSmallerThanTheMirrors() {
        JsonObject first = send(HttpMethod.GET, V1 + "/mirrors?amount=3").json();
        JsonObject second = send(HttpMethod.GET, V1 + "/mirrors?amount=3&after="
                + first.getJsonObject("pagination").getString("next_offset")).json();

        assertThat(first.getJsonObject("pagination").getBoolean("has_more")).isTrue();
        assertThat(second.getJsonArray("results").getJsonObject(0).getString("id")).isEqualTo("m-slow-3");
        assertThat(second.getJsonObject("pagination").getBoolean("has_more")).isFalse();
    }

    @Test
    void operatorRoutes_shouldAnswer401WithAMessage_withoutCredentials() {
        ApiTestClient.Response response = client.send(HttpMethod.GET, V1 + "/mirrors", Optional.empty(), Optional.empty());

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.message()).isNotBlank();
    }

    @Test
    void lagHistory_shouldReturnTheSampledLagOfEachBranch() {
        Gauge.builder(MirrorMetrics.BRANCH_LAG, () -> 42).tags("mirror", "m-sales", "branch", "main").register(metrics);
        Gauge.builder(MirrorMetrics.BRANCH_COMMITS_BEHIND, () -> 3).tags("mirror", "m-sales", "branch", "main")
                .register(metrics);
        history.sample();

        ApiTestClient.Response response = send(HttpMethod.GET, V1 + "/repositories/sales/mirrors/m-sales/lag_history");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonObject branch = response.json().getJsonArray("branches").getJsonObject(0);
        assertThat(branch.getString("branch")).isEqualTo("main");
        assertThat(branch.getJsonArray("samples").getJsonArray(0).getLong(1)).isEqualTo(42);
        assertThat(branch.getJsonArray("samples").getJsonArray(0).getLong(2)).isEqualTo(3);
    }

    @Test
    void lagHistory_shouldAnswer404WithAMessage_whenTheMirrorIsNotOfThatRepository() {
        ApiTestClient.Response response = send(HttpMethod.GET, V1 + "/repositories/slow-1/mirrors/m-sales/lag_history");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.message()).contains("mirror not found");
    }

    @Test
    void startAudit_shouldAnswer200WithTheReport_whenItEndsWithinWait_andTheAuditCanBeReadBack() {
        ApiTestClient.Response started = send(HttpMethod.POST, V1 + "/repositories/sales/mirrors/m-sales/audit?wait=30");

        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.json().getString("status")).isEqualTo("done");
        assertThat(started.json().getString("result")).isIn("clean", "violations");
        assertThat(started.json().getJsonObject("report")).isNotNull();
        String location = started.headers().get("Location");
        assertThat(location).endsWith("/audit/" + started.json().getString("id"));
        ApiTestClient.Response read = send(HttpMethod.GET, location);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().getString("result")).isEqualTo(started.json().getString("result"));
    }

    @Test
    void startAudit_shouldAnswer202AndReturnTheRunningAudit_whenAskedTwice() {
        ApiTestClient.Response first = send(HttpMethod.POST, V1 + "/repositories/slow-1/mirrors/m-slow-1/audit");
        ApiTestClient.Response again = send(HttpMethod.POST, V1 + "/repositories/slow-1/mirrors/m-slow-1/audit");

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().getString("status")).isEqualTo("running");
        assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    }

    @Test
    void startAudit_shouldAnswer429WithAMessage_whenTwoAuditsRunAlready() {
        assertThat(send(HttpMethod.POST, V1 + "/repositories/slow-1/mirrors/m-slow-1/audit").status()).isEqualTo(202);
        assertThat(send(HttpMethod.POST, V1 + "/repositories/slow-2/mirrors/m-slow-2/audit").status()).isEqualTo(202);

        ApiTestClient.Response third = send(HttpMethod.POST, V1 + "/repositories/slow-3/mirrors/m-slow-3/audit");

        assertThat(third.status()).as(third.body()).isEqualTo(429);
        assertThat(third.message()).contains("too many audits");
        assertThat(third.headers().get("Retry-After")).isNotBlank();
    }

    @Test
    void startAudit_shouldAnswer400WithAMessage_whenWaitIsNotANumber() {
        ApiTestClient.Response response = send(HttpMethod.POST, V1 + "/repositories/sales/mirrors/m-sales/audit?wait=soon");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.message()).isNotBlank();
    }

    @Test
    void getAudit_shouldAnswer404WithAMessage_whenThisProcessHasNoSuchAudit() {
        ApiTestClient.Response response = send(HttpMethod.GET, V1 + "/repositories/sales/mirrors/m-sales/audit/audit-00");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.message()).contains("audit not found");
    }

    @Test
    void dashboard_shouldServeItsFilesWithAStrictContentSecurityPolicy() {
        ApiTestClient.Response page = client.send(HttpMethod.GET, "/service/replication/ui/", Optional.empty(), Optional.empty());
        ApiTestClient.Response script = client.send(HttpMethod.GET, "/service/replication/ui/dashboard.js", Optional.empty(),
                Optional.empty());

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("Content-Type")).startsWith("text/html");
        assertThat(page.headers().get("Content-Security-Policy")).contains("script-src 'self'").contains("connect-src 'self'");
        assertThat(page.body()).contains("dashboard.js").doesNotContain("http://").doesNotContain("https://");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.headers().get("Content-Type")).startsWith("text/javascript");
        assertThat(script.body()).contains("Authorization");
    }

    @Test
    void dashboard_shouldRedirectToItsDirectory_andAnswer404WithAMessage_forAnUnknownFile() {
        ApiTestClient.Response bare = client.send(HttpMethod.GET, "/service/replication/ui", Optional.empty(), Optional.empty());
        ApiTestClient.Response unknown = client.send(HttpMethod.GET, "/service/replication/ui/secrets.txt", Optional.empty(),
                Optional.empty());

        // The test client follows the 301 to the directory, as a browser does.
        assertThat(bare.status()).isEqualTo(200);
        assertThat(bare.body()).contains("dashboard.js");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.message()).isNotBlank();
    }
}
