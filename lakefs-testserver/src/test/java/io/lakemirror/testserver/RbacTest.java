package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With RBAC on, the server enforces lakeFS's per-endpoint permissions with lakeFS's policy matching. */
@ExtendWith(SharedS3Extension.class)
class RbacTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static SharedS3 s3;
    private static LakeFsTestServer server;
    private static SdkLakeFs admin;
    private static String bucket;
    private final List<SdkLakeFs> clients = new ArrayList<>();

    @BeforeAll
    static void start(SharedS3 shared) {
        s3 = shared;
        bucket = s3.newBucket();
        server = s3.server().rbac(true).start();
        admin = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SdkLakeFs::close);
    }

    private SdkLakeFs user(String name, Policy... policies) {
        String key = "AKIA" + name.toUpperCase() + NAMES.incrementAndGet();
        server.addUser(name, key, name + "-secret");
        for (Policy p : policies) {
            server.attachPolicy(name, p);
        }
        SdkLakeFs client = SdkLakeFs.create(server.endpoint(), key, new Secret(name + "-secret"),
                SdkLakeFs.Settings.DEFAULTS.withMaxAttempts(1));
        clients.add(client);
        return client;
    }

    private static RepositoryCreation repo(String name) {
        return RepositoryCreation.of(RepositoryId.of(name), StorageNamespace.of("s3://" + bucket + "/" + name))
                .withBare(true);
    }

    @Test
    void effectivePolicies_shouldIncludeGroupPolicies_whileDirectOnesDoNot() {
        List<String> effective = admin.effectivePolicies(UserId.of("admin"), PageRequest.largest()).results()
                .stream().map(Policy::id).toList();
        Raw.Response direct = Raw.admin(server).get("/auth/users/admin/policies");

        assertThat(effective).containsExactly("AuthFullAccess", "FSFullAccess");
        assertThat(direct.results()).isEmpty();
        assertThat(direct.json().getJsonObject("pagination").getInteger("max_per_page")).isZero();
    }

    @Test
    void authApis_shouldCreateUsersCredentialsAndPolicies_asLakeFsDoes() {
        Raw raw = Raw.admin(server);
        assertThat(raw.post("/auth/users", new JsonObject().put("id", "carol")).status()).isEqualTo(201);
        JsonObject credentials = raw.post("/auth/users/carol/credentials", null).json();
        JsonObject policy = new JsonObject().put("id", "CarolReads").put("statement", new JsonArray().add(new JsonObject()
                .put("effect", "allow").put("resource", "*").put("action", new JsonArray().add("fs:Read*").add("fs:List*"))));
        assertThat(raw.post("/auth/policies", policy).status()).isEqualTo(201);
        assertThat(raw.put("/auth/users/carol/policies/CarolReads", null).status()).isEqualTo(201);
        SdkLakeFs carol = SdkLakeFs.create(server.endpoint(), credentials.getString("access_key_id"),
                new Secret(credentials.getString("secret_access_key")));
        clients.add(carol);

        assertThat(carol.currentUser()).map(User::id).contains(UserId.of("carol"));
        assertThat(carol.listRepositories(PageRequest.first(10)).results()).isNotNull();
        assertThat(admin.effectivePolicies(UserId.of("carol"), PageRequest.largest()).results())
                .singleElement().satisfies(p -> {
                    assertThat(p.id()).isEqualTo("CarolReads");
                    assertThat(p.statements().get(0).actions()).containsExactly("fs:Read*", "fs:List*");
                });
        assertThatThrownBy(() -> carol.createRepository(repo("carol-" + NAMES.incrementAndGet())))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("insufficient permissions: not allowed to fs:CreateRepository");
    }

    @Test
    void deny_shouldBeatAllow() {
        SdkLakeFs dave = user("dave", Policy.of("DaveAll", Statement.allow("*", "fs:*"),
                Statement.deny("arn:lakefs:fs:::repository/keep-*", "fs:DeleteRepository")));
        String n = String.valueOf(NAMES.incrementAndGet());
        dave.createRepository(repo("keep-" + n));
        dave.createRepository(repo("drop-" + n));

        dave.deleteRepository(RepositoryId.of("drop-" + n), false);

        assertThatThrownBy(() -> dave.deleteRepository(RepositoryId.of("keep-" + n), false))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("insufficient permissions: denied permission to fs:DeleteRepository");
    }

    @Test
    void userVariable_shouldStandForTheCallersName() {
        SdkLakeFs erin = user("erin", Policy.of("OwnRepositories",
                Statement.allow("arn:lakefs:fs:::repository/${user}-*", "fs:*"),
                Statement.allow("arn:lakefs:fs:::namespace/s3://" + bucket + "/*", "fs:AttachStorageNamespace")));
        String n = String.valueOf(NAMES.incrementAndGet());

        erin.createRepository(repo("erin-" + n));

        assertThat(erin.getRepository(RepositoryId.of("erin-" + n)).id().value()).isEqualTo("erin-" + n);
        assertThatThrownBy(() -> erin.createRepository(repo("frank-" + n)))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("not allowed to fs:CreateRepository");
    }

    @Test
    void builtInViewers_shouldReadButNotWrite() {
        SdkLakeFs viewer = user("viola");
        server.addToGroup("viola", "Viewers");
        String n = String.valueOf(NAMES.incrementAndGet());
        admin.createRepository(repo("viewed-" + n));

        assertThat(viewer.getRepository(RepositoryId.of("viewed-" + n)).id().value()).isEqualTo("viewed-" + n);
        assertThatThrownBy(() -> viewer.deleteRepository(RepositoryId.of("viewed-" + n), true))
                .isInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> viewer.effectivePolicies(UserId.of("admin"), PageRequest.largest()))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("auth:ReadUser");
    }

    @Test
    void effectivePolicies_shouldBeNotImplemented_onAnOssServer() {
        try (LakeFsTestServer oss = s3.server().start();
             SdkLakeFs client = SdkLakeFs.create(oss.endpoint(), oss.adminAccessKeyId(),
                     new Secret(oss.adminSecretAccessKey()))) {
            assertThatThrownBy(() -> client.effectivePolicies(UserId.of("admin"), PageRequest.largest()))
                    .isInstanceOf(NotImplementedException.class)
                    .hasMessageContaining("501")
                    .hasMessageContaining("Not Implemented");
        }
    }
}
