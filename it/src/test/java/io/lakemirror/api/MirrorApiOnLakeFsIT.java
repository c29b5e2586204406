package io.lakemirror.api;

import io.lakemirror.api.http.ApiServer;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.api.http.ApiTestClient;
import io.lakemirror.api.http.MirrorApiContract;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.launcher.Workers;
import io.lakemirror.launcher.Backends;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import io.lakemirror.testserver.LakeFsTestServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The REST API contract on the real backends: the mirrors database on dynoxide and the lakeFS test
 * server. Each test gets its own organization (so its own mirrors) and its own API server on port 0.
 */
abstract class MirrorApiOnLakeFsIT extends MirrorApiContract {
    static final String A = "us-east-1";
    static final String B = "eu-west-1";
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    static World world;

    private String[] other;
    private Backends backends;
    private ApiServer server;
    private ApiTestClient client;

    /**
     * Starts the world whose lakeFS admin is the contract's admin (the replication user holds lakeFS's broad
     * ReplicationPolicy, or is OSS lakeFS's one user), with the given auth mode and lakeFS flavour.
     */
    static void startWorld(AuthMode mode, AuthFlavour flavour) {
        world = World.builder().regions(A, B).adminUser("admin", ADMIN_KEY, ADMIN_SECRET).auth(mode, flavour).start();
        world.s3Mock().createBucket("bucket-us");
        world.s3Mock().createBucket("bucket-eu");
    }

    static void createSourceRepository(URI lakeFs) {
        new LakeFsUser(lakeFs, ADMIN_KEY, ADMIN_SECRET).createRepository(RepositoryId.of(SOURCE),
                "s3://bucket-us/repos/source-repo");
    }

    /** The lakeFS that authenticates callers and holds the source repository. */
    abstract LakeFsTestServer sourceLakeFs();

    @BeforeEach
    void startApi() {
        int n = ORGANIZATIONS.incrementAndGet();
        // A fresh user per test: policies attached in one test must not leak into the next.
        other = new String[] {"AKIAOTHER" + n, "other-user-secret-" + n};
        if (sourceLakeFs().authFlavour() != AuthFlavour.BASIC) {
            sourceLakeFs().addUser(other[0], other[0], other[1]);
        } else {
            // OSS lakeFS has one user: the admin is the only "other" user there is.
            other = new String[] {ADMIN_KEY, ADMIN_SECRET};
        }
        Map<String, Object> values = new HashMap<>(world.site(A).configValues());
        values.put("organization_id", "api-it-" + n);
        values.put("regional_endpoint", sourceLakeFs().endpoint().toString());
        ReplicationConfig config = ConfigLoader.fromMap(values);
        backends = Backends.of(config, LocalServices.dynoxideShims(config));
        server = Workers.api(backends, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.start();
        client = new ApiTestClient(server.port());
    }

    @AfterEach
    void stopApi() {
        client.close();
        server.close();
        backends.close();
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @Override
    protected ApiTestClient client() {
        return client;
    }

    @Override
    protected MirrorsDatabase db() {
        return backends.mirrorsDatabase();
    }

    @Override
    protected void usePolicies(Map<UserId, List<Policy>> policies) {
        policies.forEach((user, list) -> list.forEach(p -> sourceLakeFs().attachPolicy(user.value(), p)));
    }

    @Override
    protected String[] otherUser() {
        return other;
    }
}
