package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.api.Authorizer;
import io.lakemirror.api.MirrorService;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.InMemoryCallerDirectory;
import io.lakemirror.config.ListenAddress;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorsDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The API against in-memory fakes of the mirrors database and lakeFS. */
class MirrorApiTest extends MirrorApiContract {
    private static final String[] OTHER = {"AKIAOTHEREXAMPLE", "other-secret"};
    private final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    private final FakeLakeFs source = new FakeLakeFs();
    private final FakeLakeFs destination = new FakeLakeFs();
    /** The fakes play OSS lakeFS until a test hands out policies (then lakeFS serves RBAC). */
    private final InMemoryCallerDirectory directory = new InMemoryCallerDirectory(AuthFlavour.BASIC);
    private ApiServer server;
    private ApiTestClient client;

    @BeforeEach
    void start() {
        source.createRepository(RepositoryCreation.of(RepositoryId.of(SOURCE), StorageNamespace.of("s3://bucket-us/repos/source-repo")));
        directory.addUser("admin", ADMIN_KEY, ADMIN_SECRET).addUser(OTHER[0], OTHER[0], OTHER[1]);
        Authenticator authenticator = new Authenticator(directory, true, 100, Duration.ofSeconds(20));
        MirrorService service = new MirrorService(Region.of("us-east-1"),
                Map.of(Region.of("eu-west-1"), URI.create("http://lakefs-b")), source, r -> Optional.of(destination), db,
                new Authorizer(directory, false, 10, Duration.ofSeconds(1)), Clock.systemUTC(), 1000);
        server = new ApiServer(new ListenAddress("127.0.0.1", 0), authenticator, service,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.start();
        client = new ApiTestClient(server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Override
    protected ApiTestClient client() {
        return client;
    }

    @Override
    protected MirrorsDatabase db() {
        return db;
    }

    @Override
    protected void usePolicies(Map<UserId, List<Policy>> policies) {
        directory.flavour(AuthFlavour.RBAC);
        policies.forEach(directory::usePolicies);
    }

    @Override
    protected String[] otherUser() {
        return OTHER;
    }
}
