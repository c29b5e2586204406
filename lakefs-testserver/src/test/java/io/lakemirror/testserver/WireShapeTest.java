package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The exact bytes lakeFS clients see, where the SDK would hide them: content types, absent fields, messages. */
@ExtendWith(SharedS3Extension.class)
class WireShapeTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static LakeFsTestServer server;
    private static Raw admin;
    private static String bucket;
    private static String readOnly;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        server = s3.server().start();
        admin = Raw.admin(server);
        readOnly = createRepository(false, true);
        admin.post("/repositories/" + readOnly + "/branches",
                new JsonObject().put("name", "side").put("source", "main").put("force", true));
        admin.post("/repositories/" + readOnly + "/tags", new JsonObject().put("id", "t0").put("ref", "main").put("force", true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String createRepository(boolean bare, boolean readOnly) {
        String name = "wire-" + NAMES.incrementAndGet();
        Raw.Response r = admin.post("/repositories?bare=" + bare, new JsonObject().put("name", name)
                .put("storage_namespace", "s3://" + bucket + "/" + name).put("read_only", readOnly));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return name;
    }

    @Test
    void createBranch_shouldAnswer201WithTheBareCommitIdAsHtml() {
        String repo = createRepository(false, false);
        String head = admin.get("/repositories/" + repo + "/branches/main").json().getString("commit_id");

        Raw.Response r = admin.post("/repositories/" + repo + "/branches",
                new JsonObject().put("name", "feature").put("source", "main"));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.body()).isEqualTo(head).matches("[0-9a-f]{64}");
    }

    @Test
    void lists_shouldAlwaysCarryTheFourPaginationFields_withEmptyNextOffsetOnTheLastPage() {
        String repo = createRepository(false, false);

        JsonObject last = admin.get("/repositories/" + repo + "/branches").json();
        JsonObject first = admin.get("/repositories?amount=1").json();

        assertThat(last.getJsonObject("pagination").getMap()).containsOnlyKeys("has_more", "next_offset", "results",
                "max_per_page");
        assertThat(last.getJsonObject("pagination").getValue("next_offset")).isEqualTo("");
        assertThat(last.getJsonObject("pagination").getBoolean("has_more")).isFalse();
        assertThat(last.getJsonObject("pagination").getInteger("max_per_page")).isEqualTo(1000);
        assertThat(last.getJsonObject("pagination").getInteger("results")).isEqualTo(1);
        assertThat(first.getJsonObject("pagination").getBoolean("has_more")).isTrue();
        assertThat(first.getJsonObject("pagination").getString("next_offset"))
                .isEqualTo(first.getJsonArray("results").getJsonObject(0).getString("id"));
    }

    @Test
    void createRepository_shouldLeaveOutReadOnly_whenBare() {
        String name = "wire-bare-" + NAMES.incrementAndGet();

        Raw.Response created = admin.post("/repositories?bare=true", new JsonObject().put("name", name)
                .put("storage_namespace", "s3://" + bucket + "/" + name).put("read_only", true));
        JsonObject fetched = admin.get("/repositories/" + name).json();

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().getMap()).containsOnlyKeys("id", "creation_date", "default_branch", "storage_namespace");
        assertThat(fetched.getBoolean("read_only")).isTrue();
    }

    @Test
    void createRepository_shouldRefuseANamespaceInUse_whenWritable() {
        String first = createRepository(false, false);

        Raw.Response r = admin.post("/repositories", new JsonObject().put("name", first + "-again")
                .put("storage_namespace", "s3://" + bucket + "/" + first));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("storage namespace already in use");
    }

    @Test
    void getCurrentUser_shouldAnswerAnEmptyUser_whenUnauthenticated() {
        Raw.Response r = Raw.anonymous(server.endpoint()).get("/user");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("user", new JsonObject().put("id", "").put("creation_date", 0)));
    }

    @Test
    void otherEndpoints_shouldAnswer401_whenUnauthenticatedOrWrongCredentials() {
        Raw.Response anonymous = Raw.anonymous(server.endpoint()).get("/repositories");
        Raw.Response wrong = Raw.as(server.endpoint(), server.adminAccessKeyId(), "nope").get("/user");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.message()).isEqualTo("error authenticating request");
        assertThat(anonymous.contentType()).isEqualTo("application/json");
        assertThat(anonymous.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(anonymous.headers().firstValue("X-Request-ID")).isPresent();
        assertThat(wrong.status()).isEqualTo(401);
    }

    @Test
    void healthcheck_shouldAnswer204WithoutCredentials() {
        assertThat(Raw.anonymous(server.endpoint()).get("/healthcheck").status()).isEqualTo(204);
    }

    @Test
    void unknownEndpoint_shouldAnswer404InvalidApiEndpoint() {
        Raw.Response r = admin.get("/no/such/thing");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.message()).isEqualTo("invalid API endpoint");
    }

    @Test
    void amount_shouldBeRefusedAbove1000_andDefaultTo100() {
        Raw.Response tooMany = admin.get("/repositories?amount=1001");
        Raw.Response notANumber = admin.get("/repositories?amount=lots");

        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.message()).isEqualTo("parameter \"amount\" in query has an error: number must be at most 1000");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(admin.get("/repositories?amount=0").status()).isEqualTo(200);
    }

    @Test
    void policyApis_shouldAnswer501_inOssMode() {
        Raw.Response r = admin.get("/auth/users/admin/policies?effective=true");

        assertThat(r.status()).isEqualTo(501);
        assertThat(r.message()).isEqualTo("Not Implemented");
    }

    @Test
    void listBranches_shouldHideHiddenBranches_unlessAsked() {
        String repo = createRepository(false, false);
        admin.post("/repositories/" + repo + "/branches",
                new JsonObject().put("name", "_secret").put("source", "main").put("hidden", true));

        JsonArray visible = admin.get("/repositories/" + repo + "/branches").results();
        JsonArray all = admin.get("/repositories/" + repo + "/branches?show_hidden=true").results();

        assertThat(visible.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly("main");
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly("_secret", "main");
    }

    @Test
    void createCommitRecord_shouldAnswer204_400OnMismatch_and409WhenPresent() {
        String repo = createRepository(false, false);
        JsonObject commit = admin.get("/repositories/" + repo + "/commits/main").json();
        String mirror = createRepository(true, true);
        JsonObject record = new JsonObject()
                .put("commit_id", commit.getString("id")).put("version", commit.getInteger("version"))
                .put("committer", commit.getString("committer")).put("message", commit.getString("message"))
                .put("metarange_id", commit.getString("meta_range_id"))
                .put("creation_date", commit.getLong("creation_date")).put("parents", commit.getJsonArray("parents"))
                .put("metadata", commit.getJsonObject("metadata")).put("generation", commit.getLong("generation"))
                .put("force", true);

        Raw.Response mismatch = admin.post("/repositories/" + mirror + "/commits", record.copy().put("message", "other"));
        Raw.Response created = admin.post("/repositories/" + mirror + "/commits", record);
        Raw.Response again = admin.post("/repositories/" + mirror + "/commits", record);

        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.message()).isEqualTo("commit id: invalid value: validation error");
        assertThat(created.status()).isEqualTo(204);
        assertThat(created.body()).isEmpty();
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).isEqualTo("commit already exists: not unique");
        assertThat(admin.get("/repositories/" + mirror + "/commits/" + commit.getString("id")).json()).isEqualTo(commit);
    }

    static Stream<Arguments> writes() {
        JsonObject record = new JsonObject().put("commit_id", "0".repeat(64)).put("version", 1).put("committer", "")
                .put("message", "m").put("metarange_id", "").put("creation_date", 0).put("parents", new JsonArray())
                .put("metadata", new JsonObject()).put("generation", 1);
        return Stream.of(
                Arguments.of("createBranch", "POST", "/branches", new JsonObject().put("name", "x").put("source", "main")),
                Arguments.of("deleteBranch", "DELETE", "/branches/side", null),
                Arguments.of("hardResetBranch", "PUT", "/branches/main/hard_reset?ref=main", null),
                Arguments.of("resetBranch", "PUT", "/branches/main", new JsonObject().put("type", "reset")),
                Arguments.of("commit", "POST", "/branches/main/commits",
                        new JsonObject().put("message", "m").put("allow_empty", true)),
                Arguments.of("mergeIntoBranch", "POST", "/refs/side/merge/main", new JsonObject().put("allow_empty", true)),
                Arguments.of("createTag", "POST", "/tags", new JsonObject().put("id", "t1").put("ref", "main")),
                Arguments.of("deleteTag", "DELETE", "/tags/t0", null),
                Arguments.of("uploadObject", "POST", "/branches/main/objects?path=x", "bytes"),
                Arguments.of("deleteObject", "DELETE", "/branches/main/objects?path=x", null),
                Arguments.of("createCommitRecord", "POST", "/commits", record),
                Arguments.of("deleteRepository", "DELETE", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void writes_shouldAnswer403ReadOnlyRepository_whenNotForced(String operation, String method, String path, Object body) {
        byte[] bytes = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
        String type = body instanceof JsonObject ? "application/json" : "application/octet-stream";

        Raw.Response r = admin.send(method, "/repositories/" + readOnly + path, type, bytes);

        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.message()).isEqualTo("read-only repository");
    }

    @Test
    void writes_shouldSucceedOnReadOnlyRepositories_whenForced() {
        String repo = createRepository(false, true);
        Raw.Response upload = admin.postBytes("/repositories/" + repo + "/branches/main/objects?path=f&force=true",
                "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        Raw.Response commit = admin.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "forced").put("force", true));
        Raw.Response metadata = admin.post("/repositories/" + repo + "/metadata",
                new JsonObject().put("metadata", new JsonObject().put("k", "v")));

        assertThat(upload.status()).isEqualTo(201);
        assertThat(upload.json().getString("content_type")).isEqualTo("text/plain");
        assertThat(commit.status()).isEqualTo(201);
        assertThat(metadata.status()).as("metadata is not blocked by read-only").isEqualTo(204);
        assertThat(admin.get("/repositories/" + repo + "/metadata").json()).isEqualTo(new JsonObject().put("k", "v"));
    }

    @Test
    void deleteBranch_shouldAnswer403_forTheDefaultBranch() {
        String repo = createRepository(false, false);

        Raw.Response r = admin.delete("/repositories/" + repo + "/branches/main");

        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void hardReset_shouldAnswer400_whenBranchIsDirty_evenWhenForced() {
        String repo = createRepository(false, false);
        admin.postBytes("/repositories/" + repo + "/branches/main/objects?path=f", "text/plain", new byte[] {1});

        Raw.Response r = admin.put("/repositories/" + repo + "/branches/main/hard_reset?ref=main&force=true", null);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).isEqualTo("uncommitted changes (dirty branch)");
    }
}
