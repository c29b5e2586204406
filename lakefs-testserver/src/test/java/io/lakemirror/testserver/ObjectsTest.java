package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakefs.clients.sdk.ObjectsApi;
import io.lakefs.clients.sdk.model.ObjectStats;
import io.lakefs.clients.sdk.model.ObjectStatsList;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Objects: uploads staged per branch at lakeFS-style addresses, reads through refs, listing, deletion. */
@ExtendWith(SharedS3Extension.class)
class ObjectsTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static SharedS3 s3;
    private static LakeFsTestServer server;
    private static Raw admin;
    private static Sdk sdk;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 shared) {
        s3 = shared;
        bucket = s3.newBucket();
        server = s3.server().start();
        admin = Raw.admin(server);
        sdk = Sdk.admin(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String newRepository() {
        String name = "objects-" + NAMES.incrementAndGet();
        assertThat(admin.post("/repositories", new JsonObject().put("name", name)
                .put("storage_namespace", "s3://" + bucket + "/" + name)).status()).isEqualTo(201);
        return name;
    }

    private static Raw.Response upload(String repo, String branch, String path, String contentType, String content) {
        return admin.send(admin.request("/repositories/" + repo + "/branches/" + branch + "/objects?path=" + path)
                .header("Content-Type", contentType)
                .header("X-Lakefs-Meta-Owner", "tests")
                .POST(HttpRequest.BodyPublishers.ofString(content)));
    }

    @Test
    void upload_shouldStoreTheBytesInTheBucket_atARelativeDataAddress() {
        String repo = newRepository();

        Raw.Response r = upload(repo, "main", "dir/file.json", "application/json", "{\"a\":1}");

        assertThat(r.status()).isEqualTo(201);
        JsonObject stats = r.json();
        assertThat(stats.getString("path")).isEqualTo("dir/file.json");
        assertThat(stats.getString("path_type")).isEqualTo("object");
        assertThat(stats.getString("content_type")).isEqualTo("application/json");
        assertThat(stats.getLong("size_bytes")).isEqualTo(7);
        assertThat(stats.getJsonObject("metadata").getString("owner")).isEqualTo("tests");
        String physical = stats.getString("physical_address");
        assertThat(physical).matches("s3://" + bucket + "/" + repo + "/data/[0-9a-v]{20}/[0-9a-v]{20}");
        String key = physical.substring(("s3://" + bucket + "/").length());
        byte[] stored = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(stats.getString("checksum")).isNotEmpty();
    }

    @Test
    void uncommittedObjects_shouldBeVisibleOnTheBranch_butNotOnItsCommit() {
        String repo = newRepository();
        upload(repo, "main", "staged.txt", "text/plain", "x");
        String head = admin.get("/repositories/" + repo + "/branches/main").json().getString("commit_id");

        assertThat(admin.get("/repositories/" + repo + "/refs/main/objects/stat?path=staged.txt").status()).isEqualTo(200);
        assertThat(admin.get("/repositories/" + repo + "/refs/main@/objects/stat?path=staged.txt").status()).isEqualTo(404);
        assertThat(admin.get("/repositories/" + repo + "/refs/" + head + "/objects/stat?path=staged.txt").status())
                .isEqualTo(404);
    }

    @Test
    void getObject_shouldServeTheBytes_wholeOrByRange() {
        String repo = newRepository();
        upload(repo, "main", "letters", "text/plain", "abcdefghij");
        String path = "/repositories/" + repo + "/refs/main/objects?path=letters";

        Raw.Response whole = admin.get(path);
        Raw.Response range = admin.send(admin.request(path).header("Range", "bytes=2-4").GET());
        Raw.Response tail = admin.send(admin.request(path).header("Range", "bytes=-3").GET());

        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo("abcdefghij");
        assertThat(whole.contentType()).isEqualTo("text/plain");
        assertThat(whole.headers().firstValue("ETag")).isPresent();
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("cde");
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 2-4/10");
        assertThat(tail.body()).isEqualTo("hij");
    }

    @Test
    void listObjects_shouldGroupByDelimiter_andPage() throws Exception {
        RepositoryId repo = RepositoryId.of(newRepository());
        for (String p : new String[] {"a/1", "a/2", "b/1", "c", "d/x/1"}) {
            sdk.upload(repo, BranchId.of("main"), p, p);
        }
        sdk.commit(repo, BranchId.of("main"), "files", Map.of(), null);
        ObjectsApi objects = new ObjectsApi(sdk.client());

        ObjectStatsList top = objects.listObjects(repo.value(), "main").delimiter("/").execute();
        ObjectStatsList page1 = objects.listObjects(repo.value(), "main").delimiter("/").amount(2).execute();
        ObjectStatsList page2 = objects.listObjects(repo.value(), "main").delimiter("/").amount(2)
                .after(page1.getPagination().getNextOffset()).execute();
        ObjectStatsList underA = objects.listObjects(repo.value(), "main").prefix("a/").execute();

        assertThat(top.getResults()).extracting(ObjectStats::getPath).containsExactly("a/", "b/", "c", "d/");
        assertThat(top.getResults()).extracting(ObjectStats::getPathType)
                .containsExactly(ObjectStats.PathTypeEnum.COMMON_PREFIX, ObjectStats.PathTypeEnum.COMMON_PREFIX,
                        ObjectStats.PathTypeEnum.OBJECT, ObjectStats.PathTypeEnum.COMMON_PREFIX);
        assertThat(page1.getResults()).extracting(ObjectStats::getPath).containsExactly("a/", "b/");
        assertThat(page1.getPagination().getNextOffset()).isEqualTo("b/");
        assertThat(page2.getResults()).extracting(ObjectStats::getPath).containsExactly("c", "d/");
        assertThat(page2.getPagination().getHasMore()).isFalse();
        assertThat(underA.getResults()).extracting(ObjectStats::getPath).containsExactly("a/1", "a/2");
    }

    @Test
    void deleteObject_shouldStageADeletion_and404ForMissingPaths() {
        String repo = newRepository();
        upload(repo, "main", "keep", "text/plain", "k");
        upload(repo, "main", "drop", "text/plain", "d");
        admin.post("/repositories/" + repo + "/branches/main/commits", new JsonObject().put("message", "two"));

        assertThat(admin.delete("/repositories/" + repo + "/branches/main/objects?path=drop").status()).isEqualTo(204);
        assertThat(admin.delete("/repositories/" + repo + "/branches/main/objects?path=never").status()).isEqualTo(404);
        assertThat(admin.get("/repositories/" + repo + "/refs/main/objects/stat?path=drop").status()).isEqualTo(404);
        assertThat(admin.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "drop")).status()).isEqualTo(201);
        assertThat(admin.get("/repositories/" + repo + "/refs/main/objects/ls").results().size()).isEqualTo(1);
    }

    @Test
    void commit_shouldAnswer400NoChanges_unlessEmptyCommitsAreAllowed() {
        String repo = newRepository();

        Raw.Response refused = admin.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "nothing"));
        Raw.Response allowed = admin.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "nothing").put("allow_empty", true).put("date", 1_600_000_000L));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.message()).contains("no changes");
        assertThat(allowed.status()).isEqualTo(201);
        assertThat(allowed.json().getLong("creation_date")).isEqualTo(1_600_000_000L);
    }
}
