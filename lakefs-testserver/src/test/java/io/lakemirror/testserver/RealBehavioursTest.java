package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.runtime.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviours of real lakeFS the server plays only when switched on ({@link RealBehaviours}). */
@ExtendWith(SharedS3Extension.class)
class RealBehavioursTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static SharedS3 s3;
    private static String bucket;

    @BeforeAll
    static void bucket(SharedS3 shared) {
        s3 = shared;
        bucket = shared.newBucket();
    }

    private static String name() {
        return "real-" + NAMES.incrementAndGet();
    }

    private static Raw.Response create(Raw raw, String name, String query, JsonObject extra) {
        return raw.post("/repositories" + query, new JsonObject().put("name", name)
                .put("storage_namespace", "s3://" + bucket + "/" + name + "-" + NAMES.incrementAndGet()).mergeIn(extra));
    }

    @Test
    void repositoryCache_shouldAnswerForADeletedName_untilItsEntryExpires() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (LakeFsTestServer server = s3.server().clock(clock).real(RealBehaviours.NONE.withRepositoryCache(true)).start()) {
            Raw raw = Raw.admin(server);
            String repo = name();
            assertThat(create(raw, repo, "?bare=true", new JsonObject().put("read_only", true)).status()).isEqualTo(201);
            assertThat(raw.delete("/repositories/" + repo + "?force=true").status()).isEqualTo(204);

            Raw.Response again = create(raw, repo, "?bare=true", new JsonObject().put("read_only", true));
            Raw.Response get = raw.get("/repositories/" + repo);
            Raw.Response metadata = raw.get("/repositories/" + repo + "/metadata");
            clock.advance(Duration.ofSeconds(7).plusMillis(1));
            Raw.Response later = create(raw, repo, "?bare=true", new JsonObject().put("read_only", true));

            assertThat(again.status()).isEqualTo(409);
            assertThat(again.message()).isEqualTo("error creating repository: not unique");
            assertThat(get.status()).as("the cache still has it").isEqualTo(200);
            assertThat(metadata.status()).as("lakeFS reads metadata past the cache").isEqualTo(404);
            assertThat(later.status()).as(later.body()).isEqualTo(201);
        }
    }

    @Test
    void commitCache_shouldServeTheDeletedNamesakesCommit_whichTheNewRepositoryLacks() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (LakeFsTestServer server = s3.server().clock(clock).real(RealBehaviours.NONE.withRepositoryCache(true)
                .withCommitCache(true)).start()) {
            Raw raw = Raw.admin(server);
            String repo = name();
            assertThat(create(raw, repo, "", new JsonObject()).status()).isEqualTo(201);
            Sdk.admin(server).commitFiles(RepositoryId.of(repo), BranchId.of("main"), Map.of("a.csv", "1"), "one");
            String head = raw.get("/repositories/" + repo + "/commits/main").json().getString("id");
            assertThat(raw.delete("/repositories/" + repo).status()).isEqualTo(204);
            clock.advance(Duration.ofSeconds(8));
            assertThat(create(raw, repo, "?bare=true", new JsonObject().put("read_only", true)).status()).isEqualTo(201);

            Raw.Response cached = raw.get("/repositories/" + repo + "/commits/" + head);
            clock.advance(Duration.ofMinutes(10));
            Raw.Response expired = raw.get("/repositories/" + repo + "/commits/" + head);

            assertThat(cached.status()).as("the cache is keyed by name").isEqualTo(200);
            assertThat(expired.status()).isEqualTo(404);
        }
    }

    @Test
    void nanosecondTimes_shouldOrderTheLogByTheFullCreationTime_whileTheApiShowsSeconds() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (LakeFsTestServer server = s3.server().clock(clock).real(RealBehaviours.NONE.withNanosecondTimes(true)).start()) {
            Raw raw = Raw.admin(server);
            Sdk sdk = Sdk.admin(server);
            String repo = name();
            assertThat(create(raw, repo, "", new JsonObject()).status()).isEqualTo(201);
            RepositoryId id = RepositoryId.of(repo);
            for (String b : List.of("early", "late")) {
                raw.post("/repositories/" + repo + "/branches", new JsonObject().put("name", b).put("source", "main"));
            }
            clock.set(Instant.parse("2026-01-01T00:00:10.900Z"));
            String late = sdk.commitFiles(id, BranchId.of("late"), Map.of("l.csv", "l"), "late").getId();
            clock.set(Instant.parse("2026-01-01T00:00:10.100Z"));
            String early = sdk.commitFiles(id, BranchId.of("early"), Map.of("e.csv", "e"), "early").getId();
            clock.set(Instant.parse("2026-01-01T00:00:20Z"));
            sdk.merge(RepositoryId.of(repo), "early", BranchId.of("late"));

            List<String> log = raw.get("/repositories/" + repo + "/refs/late/commits").results().stream()
                    .map(o -> ((JsonObject) o).getString("id")).toList();
            JsonObject lateCommit = raw.get("/repositories/" + repo + "/commits/" + late).json();

            assertThat(log.indexOf(late)).as("made 0.8 s later, listed first whatever the IDs").isLessThan(log.indexOf(early));
            assertThat(lateCommit.getLong("creation_date")).isEqualTo(Instant.parse("2026-01-01T00:00:10Z").getEpochSecond());
        }
    }

    @Test
    void storageIds_shouldPlaceRepositories_andRefuseAnUnknownStore() {
        try (LakeFsTestServer compatible = s3.server().real(RealBehaviours.NONE
                .withStorageIds(List.of("s3-main", "s3-archive"), Optional.of("s3-main"))).start();
             LakeFsTestServer strict = s3.server().real(RealBehaviours.NONE
                     .withStorageIds(List.of("s3-main", "s3-archive"), Optional.empty())).start()) {
            Raw raw = Raw.admin(compatible);

            Raw.Response unnamed = create(raw, name(), "?bare=true", new JsonObject());
            Raw.Response named = create(raw, name(), "?bare=true", new JsonObject().put("storage_id", "s3-archive"));
            Raw.Response unknown = create(raw, name(), "?bare=true", new JsonObject().put("storage_id", "gcs"));
            Raw.Response strictUnnamed = create(Raw.admin(strict), name(), "?bare=true", new JsonObject());

            assertThat(unnamed.json().getString("storage_id")).isEqualTo("s3-main");
            assertThat(named.json().getString("storage_id")).isEqualTo("s3-archive");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.message()).startsWith("storage id: invalid value");
            assertThat(strictUnnamed.status()).isEqualTo(400);
        }
    }

    @Test
    void hooks_shouldRunPreCreateBranchWebhooks_onWritableRepositoriesOnly_forceOrNot() throws IOException {
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        webhook.start();
        try (LakeFsTestServer server = s3.server().real(RealBehaviours.NONE.withHooks(true)).start()) {
            Raw raw = Raw.admin(server);
            String repo = name();
            assertThat(create(raw, repo, "", new JsonObject()).status()).isEqualTo(201);
            String action = "name: block branches\non:\n  pre-create-branch:\nhooks:\n  - id: lost_region\n"
                    + "    type: webhook\n    properties:\n      url: http://127.0.0.1:" + webhook.getAddress().getPort()
                    + "/hook\n";
            Sdk.admin(server).commitFiles(RepositoryId.of(repo), BranchId.of("main"),
                    Map.of("_lakefs_actions/block.yaml", action), "add a hook");
            String empty = CommitIds.compute("", "empty", "", 1L, Map.of(), List.of());
            assertThat(raw.post("/repositories/" + repo + "/commits", new JsonObject().put("commit_id", empty)
                    .put("committer", "").put("message", "empty").put("metarange_id", "").put("creation_date", 1L)
                    .put("metadata", new JsonObject()).put("parents", new JsonArray()).put("generation", 1)
                    .put("version", 1)).status()).isEqualTo(204);

            Raw.Response blocked = raw.post("/repositories/" + repo + "/branches",
                    new JsonObject().put("name", "b1").put("source", "main"));
            Raw.Response forced = raw.post("/repositories/" + repo + "/branches",
                    new JsonObject().put("name", "b2").put("source", "main").put("force", true));
            Raw.Response fromEmpty = raw.post("/repositories/" + repo + "/branches",
                    new JsonObject().put("name", "b3").put("source", empty));

            assertThat(blocked.status()).isEqualTo(412);
            assertThat(blocked.message()).startsWith("pre-create-branch hook aborted").contains("lost_region");
            assertThat(forced.status()).as("force does not skip hooks").isEqualTo(412);
            assertThat(fromEmpty.status()).as("no _lakefs_actions/ at the source ref").isEqualTo(201);
        } finally {
            webhook.stop(0);
        }
    }
}
