package io.lakemirror.testserver.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.identity.CommitIds;
import io.lakemirror.testserver.LakeFsTestServer;
import io.lakemirror.testserver.Raw;
import io.lakemirror.testserver.RealBehaviours;
import io.lakemirror.testserver.SharedS3;
import io.lakemirror.testserver.SharedS3Extension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * lakeFS's own expectations, ported as conformance tests of the test server: each test names the lakeFS test
 * (file and function, at treeverse/lakeFS 71a45eeb1, v1.84.0-3) whose expectations it carries over. The facts
 * are lakeFS's; the code is ours. Every exchange is also held to lakeFS's swagger.yml (answers only: some
 * requests here are refused on purpose).
 */
@ExtendWith(SharedS3Extension.class)
class LakeFsConformanceTest {
    /** TestController_CreateCommitRecord's commit and the ID lakeFS expects for it. */
    private static final String VECTOR_ID = "0c5f9d6fde638a6aa82840caf2485bdbe6ad0fc3f220ea88884df9ed99d7cf19";
    private static final AtomicInteger REPOS = new AtomicInteger();

    private static LakeFsTestServer server;
    private static Raw raw;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        server = s3.server().real(RealBehaviours.NONE.withLakeFsDeletionOrder(true)).start();
        raw = Raw.admin(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonObject vector() {
        return new JsonObject()
                .put("commit_id", VECTOR_ID)
                .put("committer", "Committer")
                .put("creation_date", 1_000_000_000L)
                .put("generation", 1)
                .put("message", "message")
                .put("metadata", new JsonObject().put("key", "value"))
                .put("metarange_id", "metarangeId")
                .put("parents", new JsonArray(List.of("parent1", "parent2")))
                .put("version", 1);
    }

    private static String repository(boolean readOnly) {
        return repository(readOnly, false);
    }

    private static String repository(boolean readOnly, boolean bare) {
        String name = "conf-" + REPOS.incrementAndGet();
        Raw.Response created = raw.post("/repositories" + (bare ? "?bare=true" : ""), new JsonObject()
                .put("name", name).put("storage_namespace", "s3://" + bucket + "/" + name).put("read_only", readOnly));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    // ---- pkg/api/controller_test.go TestController_CreateCommitRecord

    @Test
    @DisplayName("TestController_CreateCommitRecord/create commit record: 204, stored as given under lakeFS's ID")
    void createCommitRecord_shouldStoreTheRecordAsGiven_underLakeFsCommitIdVector() {
        String repo = repository(false);

        assertThat(raw.post("/repositories/" + repo + "/commits", vector()).status()).isEqualTo(204);

        JsonObject stored = raw.get("/repositories/" + repo + "/commits/" + VECTOR_ID).json();
        assertThat(stored.getString("id")).isEqualTo(VECTOR_ID);
        assertThat(stored.getString("committer")).isEqualTo("Committer");
        assertThat(stored.getString("message")).isEqualTo("message");
        assertThat(stored.getLong("creation_date")).isEqualTo(1_000_000_000L);
        assertThat(stored.getJsonObject("metadata").getMap()).isEqualTo(Map.of("key", "value"));
        assertThat(stored.getString("meta_range_id")).isEqualTo("metarangeId");
        assertThat(stored.getJsonArray("parents").getList()).containsExactly("parent1", "parent2");
        assertThat(stored.getLong("generation")).isEqualTo(1);
        assertThat(stored.getInteger("version")).isEqualTo(1);
        assertThat(CommitIds.compute("Committer", "message", "metarangeId", 1_000_000_000L, Map.of("key", "value"),
                List.of("parent1", "parent2"))).isEqualTo(VECTOR_ID);
    }

    @Test
    @DisplayName("TestController_CreateCommitRecord/create commit record with wrong commitID: 400")
    void createCommitRecord_shouldAnswer400_whenTheIdIsNotTheHash() {
        String repo = repository(false);

        Raw.Response answer = raw.post("/repositories/" + repo + "/commits", vector().put("commit_id", "wrong"));

        assertThat(answer.status()).isEqualTo(400);
    }

    @Test
    @DisplayName("TestController_CreateCommitRecord/read only repository: 403, then 204 with force")
    void createCommitRecord_shouldAnswer403ThenAcceptWithForce_onAReadOnlyRepository() {
        String repo = repository(true);

        assertThat(raw.post("/repositories/" + repo + "/commits", vector()).status()).isEqualTo(403);
        assertThat(raw.post("/repositories/" + repo + "/commits", vector().put("force", true)).status()).isEqualTo(204);
    }

    @Test
    @DisplayName("TestController_CreateCommitRecord/already existing commit: 204, then 409")
    void createCommitRecord_shouldAnswer409_whenTheCommitExists() {
        String repo = repository(false);

        assertThat(raw.post("/repositories/" + repo + "/commits", vector()).status()).isEqualTo(204);
        assertThat(raw.post("/repositories/" + repo + "/commits", vector()).status()).isEqualTo(409);
    }

    // ---- pkg/graveler/ref/manager_test.go TestManager_Log: lakeFS's commit-ID vector of a 20-commit chain

    @Test
    @DisplayName("TestManager_Log: the 20 commit IDs lakeFS computes for its chain are accepted as given")
    void createCommitRecord_shouldAcceptLakeFsIds_ofTestManagerLogChain() {
        List<String> expected = List.of(
                "663b7520a2a05aaeed17de6136fa80eb5cd8417982011eb551230571ee412f2f",
                "87856d024fbe092852118edd958717d905019fa4eae40bac18a719e2f869e0f7",
                "25e51c6a8675c52558f8e303757624fca629bbc81f53afffa71a560df1c03948",
                "7653a24da53a43b229a64c7fec4a3259ed2cd3cba8b0021650dd54ea286a06cd",
                "d19e92e3b0717236255b529b35a7f1ec33e716be58af01c0f2fda80f4ded5a7a",
                "ac2f92fbefff7914f82c148a391c4705555aacb4ef9fe2c43c21e88f92e459ec",
                "fecd3e1f97cc1e54df6a06737d98931a8298c7ab1c870042666a10b42f7f7c0a",
                "1d6e9e55a600eceead14e70a903cea94df5a7b74a6ca4de6f8206ab45d60a5bd",
                "1f147e667ad0db53c2e9392d4bd35cb649269762f1da19e9e4d2e7b444dfd875",
                "61d527f08cc67522728f8ffc93bcb91cc789de80beb9c43a41ee225fb9c446b2",
                "32700dc4b5355be186976745fbef029f8ef7533170c0766ed77c9e3f574178c5",
                "4d82f11b02d6cb609d2bc1007620f578733ffff971a749ff4462dc69b834c20a",
                "2b4bb867adb1ac94c2f569dca92b9156a40ba0cd22a4bdc63cac1eb6b21b6f63",
                "72ee57f5cb8dddb264624f9ac7266c6ebc82af509e69f84d592a6732e74af06c",
                "3bbd01827326eba3f2a60e2ec98573cff1d2ead6c53336a5796ccf9d6401b052",
                "8107b1d0a1ce6f75a1848f31ab3261eb86acdfe9b4e84b7eaf329b3904179de9",
                "988c38b9f7d9b5df7242c3e837dac93e91dc0ff73da7dae1e010bcf18e3e0fa6",
                "cb5dca579b23b81f8148fc9153a4c9c733d830c26be1d5f8d12496300c02dd89",
                "ebbd689937253304ae29a541a727bfd11ab59a5659bb293e8ab2ed407c9a74c1",
                "fac53a04432b2e6e7185f3ac8314a874c556b2557adf3aa8d5b1df985cf96566");
        String repo = repository(false);
        long ts = java.time.Instant.parse("2020-12-01T15:00:00Z").getEpochSecond();
        List<String> written = new ArrayList<>();
        String previous = null;
        for (int i = 0; i < 20; i++) {
            List<String> parents = previous == null ? List.of() : List.of(previous);
            String id = CommitIds.compute("user1", "message1", "deadbeef123", ts + i, Map.of("foo", "bar"), parents);
            Raw.Response answer = raw.post("/repositories/" + repo + "/commits", new JsonObject()
                    .put("commit_id", id).put("committer", "user1").put("message", "message1")
                    .put("metarange_id", "deadbeef123").put("creation_date", ts + i)
                    .put("metadata", new JsonObject().put("foo", "bar")).put("parents", new JsonArray(parents))
                    .put("generation", i + 1).put("version", 1));
            assertThat(answer.status()).as(answer.body()).isEqualTo(204);
            written.add(0, id);
            previous = id;
        }
        // lakeFS's log of the chain lists them newest first: the order of its expected vector.
        assertThat(written).isEqualTo(expected);
    }

    // ---- read-only repositories: the "read-only repository" subtests of pkg/api/controller_test.go

    static Stream<Arguments> readOnlyWrites() {
        return Stream.of(
                Arguments.of("TestController_CreateBranchHandler", "createBranch"),
                Arguments.of("TestController_DeleteBranchHandler", "deleteBranch"),
                Arguments.of("TestController_CommitHandler", "commit"),
                Arguments.of("TestController_UploadObjectHandler", "uploadObject"),
                Arguments.of("TestController_ObjectsDeleteObjectHandler", "deleteObject"),
                Arguments.of("TestController_CreateTag", "createTag"),
                Arguments.of("TestController_DeleteRepositoryHandler", "deleteRepository"));
    }

    @ParameterizedTest(name = "{0}/read-only repository: {1} answers 403, and succeeds with force")
    @MethodSource("readOnlyWrites")
    void write_shouldAnswer403ReadOnly_unlessForced(String lakeFsTest, String operation) {
        String repo = repository(true);
        // What each subtest sets up with force: a committed object and a second branch.
        assertThat(upload(repo, "main", "a/b", true).status()).isEqualTo(201);
        assertThat(raw.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "first commit").put("force", true)).status()).isEqualTo(201);
        assertThat(raw.post("/repositories/" + repo + "/branches", new JsonObject().put("name", "main2")
                .put("source", "main").put("force", true)).status()).isEqualTo(201);

        Raw.Response refused = write(repo, operation, false);
        Raw.Response forced = write(repo, operation, true);

        assertThat(refused.status()).as(lakeFsTest).isEqualTo(403);
        assertThat(refused.message()).isEqualTo("read-only repository");
        assertThat(forced.status()).as(lakeFsTest + " with force: " + forced.body()).isBetween(200, 204);
    }

    private static Raw.Response write(String repo, String operation, boolean force) {
        String base = "/repositories/" + repo;
        return switch (operation) {
            case "createBranch" -> raw.post(base + "/branches", new JsonObject().put("name", "main3").put("source", "main")
                    .put("force", force));
            case "deleteBranch" -> raw.delete(base + "/branches/main2" + (force ? "?force=true" : ""));
            case "commit" -> {
                upload(repo, "main", "c/" + force, true);
                yield raw.post(base + "/branches/main/commits", new JsonObject().put("message", "m").put("force", force));
            }
            case "uploadObject" -> upload(repo, "main", "foo/bar", force);
            case "deleteObject" -> raw.delete(base + "/branches/main/objects?path=a/b" + (force ? "&force=true" : ""));
            case "createTag" -> raw.post(base + "/tags", new JsonObject().put("id", "v1").put("ref", "main")
                    .put("force", force));
            case "deleteRepository" -> raw.delete(base + (force ? "?force=true" : ""));
            default -> throw new IllegalArgumentException(operation);
        };
    }

    private static Raw.Response upload(String repo, String branch, String path, boolean force) {
        return raw.postBytes("/repositories/" + repo + "/branches/" + branch + "/objects?path=" + path
                + (force ? "&force=true" : ""), "application/octet-stream", "hello world!".getBytes(StandardCharsets.UTF_8));
    }

    // ---- storage namespaces: pkg/api/controller_test.go TestController_CreateRepositoryHandler

    @Test
    @DisplayName("TestController_CreateRepositoryHandler/create read-only repo skip ensure storage namespace")
    void createRepository_shouldRefuseAUsedNamespace_butNotForAReadOnlyOne() {
        String name = "conf-ns-" + REPOS.incrementAndGet();
        JsonObject body = new JsonObject().put("name", name).put("storage_namespace", "s3://" + bucket + "/" + name)
                .put("default_branch", "main");
        assertThat(raw.post("/repositories", body).status()).isEqualTo(201);
        assertThat(raw.delete("/repositories/" + name).status()).isEqualTo(204);

        Raw.Response again = raw.post("/repositories", body);
        Raw.Response readOnly = raw.post("/repositories", body.copy().put("read_only", true));

        assertThat(again.status()).as(again.body()).isEqualTo(400);
        assertThat(readOnly.status()).as(readOnly.body()).isEqualTo(201);
        assertThat(readOnly.json().getString("id")).isEqualTo(name);
    }

    @Test
    @DisplayName("TestController_CreateRepositoryHandler/create bare repo success: a bare repository skips the probe")
    void createRepository_shouldNotProbeTheNamespace_whenBare() {
        String name = "conf-bare-" + REPOS.incrementAndGet();
        JsonObject body = new JsonObject().put("name", name).put("storage_namespace", "s3://" + bucket + "/" + name);
        assertThat(raw.post("/repositories", body).status()).isEqualTo(201);
        assertThat(raw.delete("/repositories/" + name).status()).isEqualTo(204);

        Raw.Response bare = raw.post("/repositories?bare=true", body);

        assertThat(bare.status()).as(bare.body()).isEqualTo(201);
        assertThat(bare.json().containsKey("read_only")).as("the bare answer has no read_only").isFalse();
        assertThat(raw.get("/repositories/" + name + "/branches").results()).isEmpty();
    }

    @Test
    @DisplayName("TestController_CreateRepositoryHandler/create repo duplicate, esti/golden/lakectl_repo_create_not_unique.golden")
    void createRepository_shouldAnswer409NotUnique_everyTime_whenTheNameExists() {
        String name = repository(false);
        for (int i = 0; i < 3; i++) {
            Raw.Response again = raw.post("/repositories", new JsonObject().put("name", name)
                    .put("storage_namespace", "s3://" + bucket + "/other-" + name));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.message()).isEqualTo("error creating repository: not unique");
        }
    }

    // ---- error texts of esti/golden where the service reads them

    @Test
    @DisplayName("esti/golden/lakectl_repo_delete_not_found.golden and lakectl_log_404.golden: repository not found")
    void missingRepository_shouldAnswer404RepositoryNotFound() {
        Raw.Response deleted = raw.delete("/repositories/no-such-repo");
        Raw.Response log = raw.get("/repositories/no-such-repo/refs/main/commits");

        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.message()).isEqualTo("repository not found");
        assertThat(log.status()).isEqualTo(404);
        assertThat(log.message()).isEqualTo("repository not found");
    }

    @Test
    @DisplayName("esti/golden/lakectl_commit_no_change.golden: commit: no changes")
    void commit_shouldAnswer400NoChanges_whenNothingIsStaged() {
        String repo = repository(false);

        Raw.Response answer = raw.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "nothing"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.message()).isEqualTo("commit: no changes");
    }

    // ---- hard reset: esti/rollback_test.go TestHardReset; pkg/graveler/graveler.go ResetHard

    @Test
    @DisplayName("esti/rollback_test.go TestHardReset: main~ yields exactly the earlier commit")
    void hardReset_shouldYieldExactlyTheEarlierCommit() {
        String repo = repository(false);
        upload(repo, "main", "1.txt", false);
        JsonObject first = raw.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "resetAll")).json();
        assertThat(raw.post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "another commit").put("allow_empty", true)).status()).isEqualTo(201);

        Raw.Response reset = raw.put("/repositories/" + repo + "/branches/main/hard_reset?ref=main~", null);

        assertThat(reset.status()).as(reset.body()).isEqualTo(204);
        assertThat(raw.get("/repositories/" + repo + "/commits/main").json()).isEqualTo(first);
    }

    @Test
    @DisplayName("pkg/graveler/graveler.go ResetHard: a dirty branch is refused, 400 uncommitted changes")
    void hardReset_shouldAnswer400_onADirtyBranch() {
        String repo = repository(false);
        upload(repo, "main", "x.txt", false);

        Raw.Response reset = raw.put("/repositories/" + repo + "/branches/main/hard_reset?ref=main", null);

        assertThat(reset.status()).isEqualTo(400);
        assertThat(reset.message()).contains("uncommitted changes (dirty branch)");
    }

    // ---- log order: pkg/graveler/ref/commit_iterator_test.go TestCommitIterator; commitsPriorityQueue.Less

    static Stream<Arguments> commitIteratorCases() {
        return Stream.of(
                Arguments.of("c0", false, List.of("c0")),
                Arguments.of("c3", false, List.of("c3", "c1", "c0")),
                Arguments.of("c3", true, List.of("c3", "c1", "c0")),
                Arguments.of("c4", false, List.of("c4", "c3", "c1", "c2", "c0")),
                Arguments.of("c4", true, List.of("c4", "c2", "c0")),
                Arguments.of("c8", false, List.of("c8", "c5", "c4", "c3", "c1", "c2", "c0")),
                Arguments.of("c8", true, List.of("c8", "c4", "c2", "c0")),
                Arguments.of("c9", false, List.of("c9", "c8", "c5", "c4", "c3", "c1", "c1.5", "c2", "c0")),
                Arguments.of("c10", false, List.of("c10", "c9", "c8", "c5", "c4", "c3", "c1", "c1.5", "c2", "c0")),
                Arguments.of("c11", false, List.of("c11", "c10", "c9", "c8", "c5", "c4", "c3", "c1", "c1.5", "c2", "c0")));
    }

    /** TestCommitIterator's history: message, parents (by message), hours after 1999-12-31T23:59:59Z. */
    private static final List<Object[]> ITERATOR_HISTORY = List.of(
            new Object[] {"c0", List.of(), 0}, new Object[] {"c1", List.of("c0"), 4},
            new Object[] {"c1.5", List.of("c1"), 3}, new Object[] {"c2", List.of("c0"), 2},
            new Object[] {"c3", List.of("c1", "c0"), 6}, new Object[] {"c4", List.of("c2", "c3"), 8},
            new Object[] {"c5", List.of("c3"), 12}, new Object[] {"c6", List.of("c4"), 10},
            new Object[] {"c7", List.of("c5"), 14}, new Object[] {"c8", List.of("c4", "c5"), 16},
            new Object[] {"c9", List.of("c8", "c1.5"), 18}, new Object[] {"c10", List.of("c1.5", "c9"), 20},
            new Object[] {"c11", List.of("c8", "c3", "c4", "c10", "c2", "c5"), 22});
    private static String iteratorRepo;
    private static final Map<String, String> ITERATOR_IDS = new HashMap<>();

    private static synchronized String iteratorRepository() {
        if (iteratorRepo == null) {
            iteratorRepo = repository(true, true);
            long base = java.time.Instant.parse("1999-12-31T23:59:59Z").getEpochSecond();
            for (Object[] c : ITERATOR_HISTORY) {
                @SuppressWarnings("unchecked")
                List<String> parents = ((List<String>) c[1]).stream().map(ITERATOR_IDS::get).toList();
                long created = base + 3600L * (Integer) c[2];
                String id = CommitIds.compute("", (String) c[0], "", created, Map.of(), parents);
                assertThat(raw.post("/repositories/" + iteratorRepo + "/commits", new JsonObject().put("commit_id", id)
                        .put("committer", "").put("message", c[0]).put("metarange_id", "").put("creation_date", created)
                        .put("metadata", new JsonObject()).put("parents", new JsonArray(parents)).put("generation", 1)
                        .put("version", 1).put("force", true)).status()).isEqualTo(204);
                ITERATOR_IDS.put((String) c[0], id);
            }
        }
        return iteratorRepo;
    }

    @ParameterizedTest(name = "TestCommitIterator/{0} first parent {1}")
    @MethodSource("commitIteratorCases")
    void log_shouldWalkInLakeFsOrder_ofTestCommitIterator(String start, boolean firstParent, List<String> expected) {
        String repo = iteratorRepository();

        Raw.Response log = raw.get("/repositories/" + repo + "/refs/" + ITERATOR_IDS.get(start) + "/commits?amount=1000"
                + (firstParent ? "&first_parent=true" : ""));

        assertThat(log.status()).as(log.body()).isEqualTo(200);
        assertThat(log.results().stream().map(o -> ((JsonObject) o).getString("message")).toList()).isEqualTo(expected);
    }

    @Test
    @DisplayName("pkg/graveler/ref/commit_iterator.go commitsPriorityQueue.Less: equal times, greater commit ID first")
    void log_shouldBreakTiesByDescendingCommitId() {
        String repo = repository(true, true);
        long second = 1_700_000_000L;
        List<String> parents = new ArrayList<>();
        for (String name : List.of("p1", "p2", "p3", "p4")) {
            String id = CommitIds.compute("", name, "", second, Map.of(), List.of());
            postRecord(repo, id, name, second, List.of());
            parents.add(id);
        }
        String merge = CommitIds.compute("", "merge", "", second + 1, Map.of(), parents);
        postRecord(repo, merge, "merge", second + 1, parents);

        List<String> logged = raw.get("/repositories/" + repo + "/refs/" + merge + "/commits").results().stream()
                .map(o -> ((JsonObject) o).getString("id")).toList();

        List<String> tied = new ArrayList<>(parents);
        tied.sort(java.util.Comparator.reverseOrder());
        assertThat(logged).containsExactlyElementsOf(Stream.concat(Stream.of(merge), tied.stream()).toList());
    }

    private static void postRecord(String repo, String id, String message, long created, List<String> parents) {
        Raw.Response answer = raw.post("/repositories/" + repo + "/commits", new JsonObject().put("commit_id", id)
                .put("committer", "").put("message", message).put("metarange_id", "").put("creation_date", created)
                .put("metadata", new JsonObject()).put("parents", new JsonArray(parents)).put("generation", 1)
                .put("version", 1).put("force", true));
        assertThat(answer.status()).as(answer.body()).isEqualTo(204);
    }

    // ---- branch deletion: pkg/graveler/graveler.go DeleteBranch checks read-only, then the default branch

    @Test
    @DisplayName("pkg/graveler/graveler.go DeleteBranch: the default branch is refused (403) before it is looked up")
    void deleteBranch_shouldAnswer403_forTheDefaultBranch_evenWhenItDoesNotExist() {
        String repo = repository(false, true);

        Raw.Response answer = raw.delete("/repositories/" + repo + "/branches/main");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.message()).isEqualTo("cannot delete repository default branch");
    }
}
