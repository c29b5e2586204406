package io.lakemirror.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REST API's behaviour, run against in-memory fakes ({@code MirrorApiTest}) and against a real
 * mirrors database and lakeFS test server (the IT in {@code it/}). A subclass provides a running API
 * whose source region is us-east-1 with repository {@value #SOURCE} (namespace
 * {@code s3://bucket-us/repos/source-repo}), destination eu-west-1, and the admin user
 * {@value #ADMIN_KEY}/{@value #ADMIN_SECRET}.
 */
public abstract class MirrorApiContract {
    protected static final String SOURCE = "source-repo";
    protected static final String ADMIN_KEY = "AKIAADMINEXAMPLE";
    protected static final String ADMIN_SECRET = "admin-secret-example";
    protected static final String BASE = "/service/replication/v1/repositories/" + SOURCE + "/mirrors";
    private static final Optional<String[]> ADMIN = Optional.of(new String[] {ADMIN_KEY, ADMIN_SECRET});

    protected abstract ApiTestClient client();

    protected abstract MirrorsDatabase db();

    /** Makes lakeFS serve RBAC with these effective policies per user (lakeFS Enterprise), instead of 501. */
    protected abstract void usePolicies(Map<UserId, List<Policy>> policies);

    /** A second user, without any policy of its own, with these credentials. */
    protected abstract String[] otherUser();

    /** Whether lakeFS here serves policies (lakeFS Enterprise); the RBAC tests need it. */
    protected boolean servesPolicies() {
        return true;
    }

    /** Whether lakeFS here answers 501 to policy reads (OSS lakeFS); the OSS test needs it. */
    protected boolean ossLakeFs() {
        return true;
    }

    /** How many mirrors the pagination test creates. */
    protected int mirrorsForPagination() {
        return 2_500;
    }

    protected static JsonObject creation(String name) {
        return new JsonObject().put("name", name).put("region", "eu-west-1").put("storage_namespace", "s3://bucket-eu/repos/source-repo");
    }

    protected ApiTestClient.Response post(JsonObject body) {
        return client().send(HttpMethod.POST, BASE, ADMIN, Optional.of(body.toBuffer()));
    }

    protected ApiTestClient.Response get(String path) {
        return client().send(HttpMethod.GET, path, ADMIN, Optional.empty());
    }

    @Test
    void healthcheck_shouldAnswer204_withoutCredentials() {
        assertThat(client().send(HttpMethod.GET, "/healthcheck", Optional.empty(), Optional.empty()).status()).isEqualTo(204);
    }

    @Test
    void create_shouldReturnTheMirror_andGetShouldShowIt() {
        ApiTestClient.Response created = post(creation("mirror-one"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonObject mirror = created.json();
        assertThat(mirror.getString("name")).isEqualTo("mirror-one");
        assertThat(mirror.getString("source_repository")).isEqualTo(SOURCE);
        assertThat(mirror.getString("source_region")).isEqualTo("us-east-1");
        assertThat(mirror.getString("region")).isEqualTo("eu-west-1");
        assertThat(mirror.getString("storage_namespace")).isEqualTo("s3://bucket-eu/repos/source-repo");
        assertThat(mirror.getString("status")).isEqualTo("CREATING");
        assertThat(mirror.getLong("created_at")).isPositive();

        ApiTestClient.Response fetched = get(BASE + "/" + mirror.getString("id"));
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().getString("id")).isEqualTo(mirror.getString("id"));
        assertThat(fetched.json().getJsonArray("branches")).isEmpty();
    }

    static Stream<Arguments> invalidCreations() {
        return Stream.of(
                Arguments.of(creation("Bad_Name"), 400, "invalid repository id"),
                Arguments.of(creation("ab"), 400, "invalid repository id"),
                Arguments.of(creation("mirror-x").put("region", "ap-south-1"), 400, "not a destination of this deployment"),
                Arguments.of(creation("mirror-x").put("region", "us-east-1"), 400, "differ from the source region"),
                Arguments.of(creation("mirror-x").put("storage_namespace", "s3://bucket-eu/elsewhere"), 400,
                        "S3 replication keeps object keys"),
                Arguments.of(creation("mirror-x").put("storage_namespace", "gs://bucket-eu/repos/source-repo"), 400,
                        "invalid storage namespace"),
                Arguments.of(creation("mirror-x").put("storage_namespace", "s3://bucket-us/repos/source-repo"), 400,
                        "source repository's own namespace"),
                Arguments.of(new JsonObject().put("name", "mirror-x").put("region", "eu-west-1"), 400, "storage_namespace"),
                Arguments.of(creation("mirror-x").put("name", 42), 400, "name"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("invalidCreations")
    void create_shouldExplainWhatIsWrong(JsonObject body, int status, String message) {
        ApiTestClient.Response response = post(body);
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.message()).contains(message);
    }

    @Test
    void create_shouldAnswer400_forAMalformedBody() {
        ApiTestClient.Response response = client().send(HttpMethod.POST, BASE, ADMIN, Optional.of(Buffer.buffer("{not json")));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().containsKey("message")).isTrue();
    }

    @Test
    void create_shouldAnswer404_whenTheSourceRepositoryDoesNotExist() {
        ApiTestClient.Response response = client().send(HttpMethod.POST,
                "/service/replication/v1/repositories/no-such-repo/mirrors", ADMIN, Optional.of(creation("mirror-y").toBuffer()));
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.message()).contains("not found");
    }

    @Test
    void create_shouldAnswer409_whenTheNameIsTakenInThatRegion() {
        assertThat(post(creation("mirror-dup")).status()).isEqualTo(201);

        ApiTestClient.Response again = post(creation("mirror-dup"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).contains("mirror-dup").contains("eu-west-1");
    }

    @Test
    void requests_shouldAnswer401_withoutOrWithWrongCredentials() {
        ApiTestClient.Response none = client().send(HttpMethod.GET, BASE, Optional.empty(), Optional.empty());
        ApiTestClient.Response wrong = client().send(HttpMethod.GET, BASE,
                Optional.of(new String[] {ADMIN_KEY, "wrong"}), Optional.empty());
        ApiTestClient.Response garbage = client().send(HttpMethod.POST, BASE, Optional.empty(),
                Optional.of(Buffer.buffer("garbage")));

        for (ApiTestClient.Response r : List.of(none, wrong, garbage)) {
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.message()).isEqualTo("error authenticating request");
        }
    }

    private static Policy policy(String id, Statement... statements) {
        return new Policy(id, Optional.empty(), List.of(statements));
    }

    private static Statement allow(String resource, String... actions) {
        return new Statement(Statement.Effect.ALLOW, List.of(actions), resource, Map.of());
    }

    private static Statement deny(String resource, String... actions) {
        return new Statement(Statement.Effect.DENY, List.of(actions), resource, Map.of());
    }

    private ApiTestClient.Response createAs(String[] user, String name) {
        return client().send(HttpMethod.POST, BASE, Optional.of(user), Optional.of(creation(name).toBuffer()));
    }

    @Test
    void rbac_shouldAllowCreate_whenEveryPermissionIsGranted_withWildcards() {
        assumeTrue(servesPolicies(), "lakeFS here serves no policies");
        String[] user = otherUser();
        usePolicies(Map.of(UserId.of(user[0]), List.of(policy("mirrors",
                allow("arn:lakefs:fs:::repository/mirror-*", "fs:CreateRepository"),
                allow("arn:lakefs:fs:::repository/source-rep?", "fs:MirrorRepository"),
                allow("arn:lakefs:fs:::namespace/s3://bucket-eu/*", "fs:AttachStorageNamespace"),
                allow("*", "fs:List*")))));

        assertThat(createAs(user, "mirror-rbac").status()).isEqualTo(201);
        assertThat(client().send(HttpMethod.GET, BASE, Optional.of(user), Optional.empty()).status()).isEqualTo(200);
    }

    @Test
    void rbac_shouldRefuse_whenAPermissionIsMissing() {
        assumeTrue(servesPolicies(), "lakeFS here serves no policies");
        String[] user = otherUser();
        usePolicies(Map.of(UserId.of(user[0]), List.of(policy("partial",
                allow("arn:lakefs:fs:::repository/*", "fs:CreateRepository"),
                allow("*", "fs:AttachStorageNamespace")))));

        ApiTestClient.Response response = createAs(user, "mirror-nope");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.message()).isEqualTo("insufficient permissions: not allowed to fs:MirrorRepository");
    }

    @Test
    void rbac_shouldLetADenyOverrideAnAllow() {
        assumeTrue(servesPolicies(), "lakeFS here serves no policies");
        String[] user = otherUser();
        usePolicies(Map.of(UserId.of(user[0]), List.of(
                policy("everything", allow("*", "fs:*")),
                policy("no-deletes", deny("arn:lakefs:fs:::repository/*", "fs:DeleteRepository")))));
        String id = createAs(user, "mirror-deny").json().getString("id");

        ApiTestClient.Response deleted = client().send(HttpMethod.DELETE, BASE + "/" + id, Optional.of(user), Optional.empty());

        assertThat(deleted.status()).isEqualTo(403);
        assertThat(deleted.message()).isEqualTo("insufficient permissions: denied permission to fs:DeleteRepository");
    }

    @Test
    void rbac_shouldRefuseListing_withoutListRepositories() {
        assumeTrue(servesPolicies(), "lakeFS here serves no policies");
        String[] user = otherUser();
        usePolicies(Map.of(UserId.of(user[0]), List.of(policy("read-one", allow("arn:lakefs:fs:::repository/x", "fs:ReadRepository")))));

        assertThat(client().send(HttpMethod.GET, BASE, Optional.of(user), Optional.empty()).status()).isEqualTo(403);
    }

    @Test
    void ossMode_shouldAllowEveryAuthenticatedUserEverything() {
        assumeTrue(ossLakeFs(), "lakeFS here serves policies");
        String[] user = otherUser();
        assertThat(createAs(user, "mirror-oss").status()).isEqualTo(201);
    }

    @Test
    void list_shouldPageThroughEveryMirrorOfTheRepository() {
        String source = "us-east-1";
        int count = mirrorsForPagination();
        for (int i = 0; i < count; i++) {
            db().createMirror(new io.lakemirror.store.MirrorSpec(MirrorId.of(String.format("p%05d", i)),
                    RepositoryId.of(String.format("page-%05d", i)), RepositoryId.of(SOURCE), io.lakemirror.domain.Region.of(source),
                    io.lakemirror.domain.Region.of("eu-west-1"), io.lakemirror.domain.StorageNamespace.of("s3://bucket-eu/repos/source-repo"),
                    BranchId.of("main"), Instant.EPOCH, "admin", Optional.empty()));
        }
        List<String> ids = new ArrayList<>();
        String after = "";
        int pages = 0;
        while (true) {
            ApiTestClient.Response page = get(BASE + "?amount=1000&after=" + after);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            JsonObject pagination = page.json().getJsonObject("pagination");
            JsonArray results = page.json().getJsonArray("results");
            results.forEach(m -> ids.add(((JsonObject) m).getString("id")));
            assertThat(pagination.getInteger("results")).isEqualTo(results.size());
            pages++;
            if (!pagination.getBoolean("has_more")) {
                assertThat(pagination.getString("next_offset")).isEmpty();
                break;
            }
            after = pagination.getString("next_offset");
        }
        assertThat(ids).hasSize(count).doesNotHaveDuplicates().isSorted();
        assertThat(pages).isEqualTo((count + 999) / 1000);
    }

    @Test
    void create_shouldMirrorTagsByDefault_andNotWhenTheBodySaysSo() {
        ApiTestClient.Response byDefault = post(creation("mirror-tags-on"));
        ApiTestClient.Response off = post(creation("mirror-tags-off").put("mirror_tags", false));

        assertThat(byDefault.json().getBoolean("mirror_tags")).isTrue();
        assertThat(off.status()).as(off.body()).isEqualTo(201);
        assertThat(off.json().getBoolean("mirror_tags")).isFalse();
        assertThat(get(BASE + "/" + off.json().getString("id")).json().getBoolean("mirror_tags")).isFalse();
        assertThat(db().getMirror(MirrorId.of(off.json().getString("id"))).orElseThrow().spec().mirrorTags()).isFalse();
        assertThat(off.json().getJsonArray("tags_waiting")).isEmpty();
    }

    @Test
    void update_shouldSwitchMirrorTags_andAnswerTheMirror() {
        String id = post(creation("mirror-patch")).json().getString("id");

        ApiTestClient.Response off = patch(id, new JsonObject().put("mirror_tags", false).toBuffer(), ADMIN);

        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().getBoolean("mirror_tags")).isFalse();
        assertThat(db().getMirror(MirrorId.of(id)).orElseThrow().spec().mirrorTags()).isFalse();
        assertThat(patch(id, new JsonObject().put("mirror_tags", true).toBuffer(), ADMIN).json().getBoolean("mirror_tags"))
                .isTrue();
        assertThat(get(BASE + "/" + id).json().getBoolean("mirror_tags")).isTrue();
    }

    static Stream<Arguments> invalidUpdates() {
        return Stream.of(
                Arguments.of("{}", "mirror_tags"),
                Arguments.of("{\"mirror_tags\": \"yes\"}", "mirror_tags"),
                Arguments.of("{\"mirror_tags\": null}", "mirror_tags"),
                Arguments.of("{not json", ""));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidUpdates")
    void update_shouldAnswer400WithAMessage_forABadBody(String body, String message) {
        String id = post(creation("mirror-badpatch")).json().getString("id");

        ApiTestClient.Response response = patch(id, Buffer.buffer(body), ADMIN);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().getString("message")).isNotBlank().contains(message);
        assertThat(db().getMirror(MirrorId.of(id)).orElseThrow().spec().mirrorTags()).isTrue();
    }

    @Test
    void update_shouldAnswer404_forAnUnknownMirror() {
        assertThat(patch("nosuchmirror", new JsonObject().put("mirror_tags", false).toBuffer(), ADMIN).status())
                .isEqualTo(404);
    }

    @Test
    void rbac_shouldRefuseUpdate_withoutThePermissionsOfACreation() {
        assumeTrue(servesPolicies(), "lakeFS here serves no policies");
        String id = post(creation("mirror-patch-rbac")).json().getString("id");
        String[] user = otherUser();
        usePolicies(Map.of(UserId.of(user[0]), List.of(policy("partial",
                allow("arn:lakefs:fs:::repository/*", "fs:CreateRepository"),
                allow("*", "fs:AttachStorageNamespace"), allow("*", "fs:List*")))));

        ApiTestClient.Response response = patch(id, new JsonObject().put("mirror_tags", false).toBuffer(),
                Optional.of(user));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.message()).isEqualTo("insufficient permissions: not allowed to fs:MirrorRepository");
        assertThat(db().getMirror(MirrorId.of(id)).orElseThrow().spec().mirrorTags()).isTrue();
    }

    private ApiTestClient.Response patch(String id, Buffer body, Optional<String[]> credentials) {
        return client().send(HttpMethod.PATCH, BASE + "/" + id, credentials, Optional.of(body));
    }

    @Test
    void delete_shouldAnswer202_andShowTheMirrorDeleting() {
        String id = post(creation("mirror-del")).json().getString("id");

        ApiTestClient.Response deleted = client().send(HttpMethod.DELETE, BASE + "/" + id, ADMIN, Optional.empty());

        assertThat(deleted.status()).isEqualTo(202);
        assertThat(deleted.json().getString("status")).isEqualTo("DELETING");
        assertThat(get(BASE + "/" + id).json().getString("status")).isEqualTo("DELETING");
    }

    @Test
    void get_shouldAnswer404_forAnUnknownMirror_orAnotherRepositorysMirror() {
        String id = post(creation("mirror-own")).json().getString("id");

        assertThat(get(BASE + "/nosuchmirror").status()).isEqualTo(404);
        assertThat(get("/service/replication/v1/repositories/other-repo/mirrors/" + id).status()).isEqualTo(404);
    }

    @Test
    void get_shouldShowBranchProgress_lagAndMissingFiles() {
        String id = post(creation("mirror-progress")).json().getString("id");
        MirrorId mirror = MirrorId.of(id);
        BranchId main = BranchId.of("main");
        CommitId c1 = CommitId.of("1".repeat(64));
        CommitId c2 = CommitId.of("2".repeat(64));
        db().putSensorBranchState(new SensorBranchState(mirror, main, 2, Optional.of(c2), Instant.now().minusSeconds(30), true, 5), 0);
        db().recordValidated(mirror, main, new BranchState.Validated(1, Optional.of(c1), Instant.now(), Instant.now(), 3));
        db().recordWaiting(mirror, main, new BranchState.Waiting(2, c2, List.of("repos/source-repo/_lakefs/" + "a".repeat(64)),
                Instant.now(), Instant.now(), 4));

        JsonObject branch = get(BASE + "/" + id).json().getJsonArray("branches").getJsonObject(0);

        assertThat(branch.getString("id")).isEqualTo("main");
        assertThat(branch.getString("source_head")).isEqualTo(c2.value());
        assertThat(branch.getString("validated_head")).isEqualTo(c1.value());
        assertThat(branch.getString("mirror_head")).isNull();
        assertThat(branch.getLong("commits_behind")).isEqualTo(5);
        assertThat(branch.getLong("lag_seconds")).isBetween(29L, 120L);
        assertThat(branch.getJsonArray("missing_files").getString(0)).endsWith("_lakefs/" + "a".repeat(64));
        assertThat(branch.getBoolean("in_sync")).isFalse();
    }

    @Test
    void unknownRoutesAndMethods_shouldAnswerJsonErrors() {
        ApiTestClient.Response unknown = get("/service/replication/v1/nothing-here");
        ApiTestClient.Response method = client().send(HttpMethod.PUT, BASE, ADMIN, Optional.of(creation("x-y-z").toBuffer()));

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().getString("message")).isNotBlank();
        assertThat(method.status()).isBetween(404, 405);
        assertThat(method.json().getString("message")).isNotBlank();
    }

    @Test
    void create_shouldAnswer413_forAnOversizedBody() {
        JsonObject huge = creation("mirror-big").put("padding", "x".repeat(200_000));
        ApiTestClient.Response response = post(huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.message()).isNotBlank();
    }

    @Test
    void metricsAndOpenApi_shouldBeServed() {
        ApiTestClient.Response metrics = client().send(HttpMethod.GET, "/metrics", Optional.empty(), Optional.empty());
        ApiTestClient.Response openapi = client().send(HttpMethod.GET, "/service/replication/v1/openapi.yaml", Optional.empty(), Optional.empty());

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body()).contains("operationId: createMirror");
    }

    @Test
    void fuzz_shouldAnswerAClientErrorAndNeverAServerError() {
        Random random = new Random(20261125);
        String[] pieces = {"", "a", "source-repo", "Source", "../", "%00", "x".repeat(70), "mirrors", "null", "{}", "é", "-", "💥"};
        for (int i = 0; i < 1_000; i++) {
            String repo = pieces[random.nextInt(pieces.length)] + (random.nextBoolean() ? "" : pieces[random.nextInt(pieces.length)]);
            String path = switch (random.nextInt(4)) {
                case 0 -> "/service/replication/v1/repositories/" + encode(repo) + "/mirrors";
                case 1 -> "/service/replication/v1/repositories/" + encode(repo) + "/mirrors/" + encode(pieces[random.nextInt(pieces.length)]);
                case 2 -> BASE + "?amount=" + encode(pieces[random.nextInt(pieces.length)]) + "&after=" + encode(repo);
                default -> "/service/replication/v1/" + encode(repo);
            };
            HttpMethod method = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PUT).get(random.nextInt(4));
            Buffer body = switch (random.nextInt(5)) {
                case 0 -> Buffer.buffer(randomJunk(random));
                case 1 -> creation(repo).toBuffer();
                case 2 -> new JsonObject().put("name", random.nextInt()).put("region", List.of(1)).toBuffer();
                case 3 -> Buffer.buffer("[]");
                default -> new JsonObject().put("name", "fz-" + i).put("region", "eu-west-1")
                        .put("storage_namespace", "s3://bucket-eu/" + repo).toBuffer();
            };
            ApiTestClient.Response response = client().send(method, path, ADMIN, Optional.of(body));
            assertThat(response.status()).as("%s %s %s → %s", method, path, body, response.body()).isBetween(200, 499);
            if (response.status() >= 400) {
                assertThat(response.json().getString("message")).as(path).isNotBlank();
            }
        }
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String randomJunk(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
