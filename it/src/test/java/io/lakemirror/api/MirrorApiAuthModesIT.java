package io.lakemirror.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.api.http.ApiServer;
import io.lakemirror.api.http.ApiTestClient;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.policy.Acl;
import io.lakemirror.launcher.Backends;
import io.lakemirror.launcher.Workers;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.testkit.EmbeddedPostgresServer;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import io.lakemirror.testserver.LakeFsTestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RBAC table of docs/architecture.md §7 in every auth mode, on lakeFS with RBAC, simplified (ACL) and OSS
 * (basic) authorization: each route answers its success status to a caller holding the permissions, 403 to an
 * authenticated caller without them, and 401 without or with wrong credentials. The service runs as the
 * replication user with exactly lakeFS's broad ReplicationPolicy (simplified lakeFS: in Supers; OSS lakeFS: its
 * one user), never as admin. One world per lakeFS flavour; each of its regions uses another auth mode. The kv mode
 * runs twice: on lakeFS's DynamoDB table, and on lakeFS's PostgreSQL database (the same users written in lakeFS's
 * format into a {@code kv} table of an embedded PostgreSQL).
 */
class MirrorApiAuthModesIT {
    private static final String US = "us-east-1";
    private static final String EU = "eu-west-1";
    private static final String AP = "ap-south-1";
    private static final Optional<String[]> NONE = Optional.empty();
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    private static final Map<AuthFlavour, World> WORLDS = new LinkedHashMap<>();
    private static final Map<String, String> POSTGRES_KVS = new HashMap<>();
    private static EmbeddedPostgresServer lakeFsPostgres;

    private static final String[] OPERATOR = {"AKIAMIRROROPERATOR01", "operator-secret"};
    private static final String[] NOBODY = {"AKIANOPERMISSIONS001", "nobody-secret"};
    private static final String[] READER = {"AKIAACLREADER0000001", "reader-secret"};

    static Stream<Arguments> modes() {
        return Stream.of(
                Arguments.of(AuthFlavour.RBAC, US, AuthMode.AUTH_SERVICE),
                Arguments.of(AuthFlavour.RBAC, EU, AuthMode.KV),
                Arguments.of(AuthFlavour.RBAC, AP, AuthMode.LAKEFS_API),
                Arguments.of(AuthFlavour.SIMPLIFIED, US, AuthMode.AUTH_SERVICE),
                Arguments.of(AuthFlavour.SIMPLIFIED, EU, AuthMode.KV),
                Arguments.of(AuthFlavour.BASIC, US, AuthMode.KV),
                Arguments.of(AuthFlavour.BASIC, EU, AuthMode.LAKEFS_API));
    }

    private static synchronized World world(AuthFlavour flavour) {
        return WORLDS.computeIfAbsent(flavour, f -> {
            World.Builder b = World.builder().replicationDelays(io.lakemirror.testkit.DelayDistribution.uniform(
                    java.time.Duration.ZERO, java.time.Duration.ofMillis(10)));
            switch (f) {
                case RBAC -> b.regions(US, EU, AP).auth(US, AuthMode.AUTH_SERVICE, f).auth(EU, AuthMode.KV, f)
                        .auth(AP, AuthMode.LAKEFS_API, f);
                case SIMPLIFIED -> b.regions(US, EU).auth(US, AuthMode.AUTH_SERVICE, f).auth(EU, AuthMode.KV, f);
                case BASIC -> b.regions(US, EU).auth(US, AuthMode.KV, f).auth(EU, AuthMode.LAKEFS_API, f);
                default -> throw new IllegalStateException();
            }
            World w = b.start();
            for (World.Site site : w.sites()) {
                setUpUsers(w, site.lakeFs(), f, w.authMode(site.region().value()));
            }
            return w;
        });
    }

    private static void setUpUsers(World w, LakeFsTestServer lakeFs, AuthFlavour flavour, AuthMode mode) {
        switch (flavour) {
            case RBAC -> {
                lakeFs.addUser("operator", OPERATOR[0], OPERATOR[1]);
                lakeFs.attachPolicy("operator", Policy.of("MirrorOperator",
                        Statement.allow("arn:lakefs:fs:::repository/*", "fs:CreateRepository", "fs:MirrorRepository",
                                "fs:DeleteRepository"),
                        Statement.allow("arn:lakefs:fs:::namespace/*", "fs:AttachStorageNamespace"),
                        Statement.allow("*", "fs:ListRepositories")));
                lakeFs.addUser("nobody", NOBODY[0], NOBODY[1]);
                if (mode == AuthMode.LAKEFS_API) {
                    // lakefs_api reads callers' policies with the replication user's keys: it needs auth:ReadUser.
                    lakeFs.attachPolicy(w.replicationUser(), Policy.of("ReplicationReadsUsers",
                            Statement.allow("arn:lakefs:auth:::user/*", "auth:ReadUser")));
                }
            }
            case SIMPLIFIED -> {
                lakeFs.addUser("operator", OPERATOR[0], OPERATOR[1]);
                lakeFs.addToAclGroup("operator", Acl.Level.SUPER);
                lakeFs.addUser("reader", READER[0], READER[1]);
                lakeFs.addToAclGroup("reader", Acl.Level.READ);
                lakeFs.addUser("nobody", NOBODY[0], NOBODY[1]);
            }
            case BASIC -> {
                // OSS lakeFS has one user, the admin: it may do everything; nobody else exists.
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Regions whose world mode is not kv (their lakeFS test server writes no KV yet), read through PostgreSQL instead. */
    static Stream<Arguments> kvOnPostgres() {
        return Stream.of(
                Arguments.of(AuthFlavour.RBAC, AP),
                Arguments.of(AuthFlavour.SIMPLIFIED, US),
                Arguments.of(AuthFlavour.BASIC, EU));
    }

    /**
     * The service's configuration of {@code region} in kv mode on lakeFS's PostgreSQL database: the region's lakeFS
     * test server writes its users, credentials, groups and policies into a {@code kv} table there from now on.
     */
    private static synchronized Map<String, Object> postgresKv(World w, AuthFlavour flavour, String region) {
        String connection = POSTGRES_KVS.computeIfAbsent(flavour + "/" + region, k -> {
            if (lakeFsPostgres == null) {
                lakeFsPostgres = EmbeddedPostgresServer.start(0);
            }
            String database = ("lakefs_" + flavour + "_" + region).toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            w.site(region).lakeFs().writeAuthTo(PostgresKvSink.create(lakeFsPostgres, database));
            return lakeFsPostgres.connectionString(database);
        });
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("auth.mode", AuthMode.KV.wire());
        overrides.put("auth.api.endpoint", null);
        overrides.put("database.type", "postgres");
        overrides.put("database.dynamodb.table_name", null);
        overrides.put("database.dynamodb.endpoint", null);
        overrides.put("database.postgres.connection_string", connection);
        return overrides;
    }

    @AfterAll
    static void stopWorlds() {
        WORLDS.values().forEach(World::close);
        if (lakeFsPostgres != null) {
            lakeFsPostgres.close();
        }
    }

    private record Api(Backends backends, ApiServer server, ApiTestClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
            backends.close();
        }
    }

    /** The API of {@code region} as the world configures it, with {@code overrides} (a null value removes the key). */
    private static Api api(World w, String region, Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(w.site(region).configValues());
        values.put("organization_id", "auth-modes-" + ORGANIZATIONS.incrementAndGet());
        overrides.forEach((key, value) -> {
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
        });
        ReplicationConfig config = ConfigLoader.fromMap(values);
        Backends backends = Backends.of(config, LocalServices.dynoxideShims(config));
        ApiServer server = Workers.api(backends, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.start();
        return new Api(backends, server, new ApiTestClient(server.port()));
    }

    @ParameterizedTest(name = "{0} lakeFS, {2} in {1}")
    @MethodSource("modes")
    void rbacTable_shouldAnswerSuccess403And401PerRoute(AuthFlavour flavour, String region, AuthMode mode) {
        World w = world(flavour);
        assertThat(w.authMode(region)).isEqualTo(mode);
        checkRbacTable(w, flavour, region, mode, Map.of());
    }

    @ParameterizedTest(name = "{0} lakeFS, kv on PostgreSQL in {1}")
    @MethodSource("kvOnPostgres")
    void rbacTable_shouldAnswerSuccess403And401PerRoute_whenKvModeReadsLakeFsPostgres(AuthFlavour flavour, String region) {
        World w = world(flavour);
        checkRbacTable(w, flavour, region, AuthMode.KV, postgresKv(w, flavour, region));
    }

    private static void checkRbacTable(World w, AuthFlavour flavour, String region, AuthMode mode,
                                       Map<String, Object> overrides) {
        String destination = w.regions().stream().map(r -> r.value()).filter(r -> !r.equals(region)).findFirst().orElseThrow();
        String repo = "src-" + mode.wire().replace('_', '-') + "-" + ORGANIZATIONS.incrementAndGet();
        new LakeFsUser(w.site(region).lakeFsEndpoint(), w.adminAccessKeyId(), w.adminSecretAccessKey())
                .createRepository(RepositoryId.of(repo), w.site(region).storageNamespace("repos/" + repo));
        String base = "/service/replication/v1/repositories/" + repo + "/mirrors";
        JsonObject body = new JsonObject().put("name", repo + "-mirror").put("region", destination)
                .put("storage_namespace", w.site(destination).storageNamespace("repos/" + repo));
        Optional<String[]> allowed = Optional.of(flavour == AuthFlavour.BASIC
                ? new String[] {w.adminAccessKeyId(), w.adminSecretAccessKey()} : OPERATOR);
        Optional<String[]> wrongSecret = Optional.of(new String[] {allowed.get()[0], "not-the-secret"});
        try (Api api = api(w, region, overrides)) {
            ApiTestClient c = api.client();
            List<Optional<String[]>> unauthenticated = List.of(NONE, wrongSecret,
                    Optional.of(new String[] {"AKIANOSUCHKEY0000000", "whatever"}));
            for (Optional<String[]> who : unauthenticated) {
                assertThat(c.send(HttpMethod.POST, base, who, Optional.of(body.toBuffer())).status()).isEqualTo(401);
                assertThat(c.send(HttpMethod.GET, base, who, Optional.empty()).status()).isEqualTo(401);
                assertThat(c.send(HttpMethod.GET, base + "/m0000000000000000000000000", who, Optional.empty()).status()).isEqualTo(401);
                assertThat(c.send(HttpMethod.DELETE, base + "/m0000000000000000000000000", who, Optional.empty()).status()).isEqualTo(401);
            }
            if (flavour != AuthFlavour.BASIC) {
                ApiTestClient.Response refused = c.send(HttpMethod.POST, base, Optional.of(NOBODY), Optional.of(body.toBuffer()));
                assertThat(refused.status()).as(refused.body()).isEqualTo(403);
                assertThat(refused.message()).startsWith("insufficient permissions");
                assertThat(c.send(HttpMethod.GET, base, Optional.of(NOBODY), Optional.empty()).status()).isEqualTo(403);
            }
            if (flavour == AuthFlavour.SIMPLIFIED) {
                assertThat(c.send(HttpMethod.POST, base, Optional.of(READER), Optional.of(body.toBuffer())).status())
                        .isEqualTo(403);
                assertThat(c.send(HttpMethod.GET, base, Optional.of(READER), Optional.empty()).status()).isEqualTo(200);
            }

            ApiTestClient.Response created = c.send(HttpMethod.POST, base, allowed, Optional.of(body.toBuffer()));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String mirror = base + "/" + created.json().getString("id");
            assertThat(c.send(HttpMethod.GET, base, allowed, Optional.empty()).status()).isEqualTo(200);
            assertThat(c.send(HttpMethod.GET, mirror, allowed, Optional.empty()).status()).isEqualTo(200);
            if (flavour != AuthFlavour.BASIC) {
                assertThat(c.send(HttpMethod.GET, mirror, Optional.of(NOBODY), Optional.empty()).status()).isEqualTo(403);
                assertThat(c.send(HttpMethod.DELETE, mirror, Optional.of(NOBODY), Optional.empty()).status()).isEqualTo(403);
            }
            if (flavour == AuthFlavour.SIMPLIFIED) {
                assertThat(c.send(HttpMethod.GET, mirror, Optional.of(READER), Optional.empty()).status()).isEqualTo(200);
                ApiTestClient.Response readerDelete = c.send(HttpMethod.DELETE, mirror, Optional.of(READER), Optional.empty());
                assertThat(readerDelete.status()).as(readerDelete.body()).isEqualTo(403);
                assertThat(readerDelete.message()).isEqualTo("insufficient permissions: not allowed to fs:DeleteRepository");
            }
            ApiTestClient.Response deleted = c.send(HttpMethod.DELETE, mirror, allowed, Optional.empty());
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
        }
    }

    /** lakefs_api mode reads callers' policies with the replication user's keys; without auth:ReadUser it fails, never allows. */
    @org.junit.jupiter.api.Test
    void lakeFsApiMode_shouldFailClosed_whenTheReplicationUserCannotReadUsers() {
        World w = world(AuthFlavour.RBAC);
        String repo = "src-noreaduser";
        new LakeFsUser(w.site(EU).lakeFsEndpoint(), w.adminAccessKeyId(), w.adminSecretAccessKey())
                .createRepository(RepositoryId.of(repo), w.site(EU).storageNamespace("repos/" + repo));
        Map<String, Object> values = new HashMap<>(w.site(EU).configValues());
        values.remove("database.type");
        values.put("auth.mode", "lakefs_api");
        values.put("organization_id", "auth-modes-" + ORGANIZATIONS.incrementAndGet());
        ReplicationConfig config = ConfigLoader.fromMap(values);
        try (Backends backends = Backends.of(config, LocalServices.dynoxideShims(config))) {
            ApiServer server = Workers.api(backends, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            server.start();
            try (ApiTestClient c = new ApiTestClient(server.port())) {
                ApiTestClient.Response r = c.send(HttpMethod.GET, "/service/replication/v1/repositories/" + repo + "/mirrors",
                        Optional.of(OPERATOR), Optional.empty());
                assertThat(r.status()).as(r.body()).isIn(500, 503);
            } finally {
                server.close();
            }
        }
    }
}
