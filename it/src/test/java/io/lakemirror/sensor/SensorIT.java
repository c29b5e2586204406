package io.lakemirror.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.aws.sqs.SqsCommitsQueue;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SourceStatus;
import io.lakemirror.testkit.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sensor of region A in a two-region world: commits on three branches of lakeFS A (one a merge)
 * arrive on B's FIFO queue as {@code CommitsDetected} sequences, parents first, each branch's
 * sequences in order; a sensor started after the first one stopped sends nothing already sent and
 * then only what is new.
 */
class SensorIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final BranchId MAIN = BranchId.of("main");
    private static final BranchId DEV = BranchId.of("dev");
    private static final BranchId FEATURE = BranchId.of("feature");
    private static final RepositoryId REPO = RepositoryId.of("events");

    private static World world;
    private static DynamoDbStores stores;
    private static SqsCommitsQueue consumer;
    private static SdkLakeFs lakeFs;
    private static LakeFsHttp lakeFsHttp;

    @BeforeAll
    static void start() {
        world = World.builder().regions(A, B).start();
        stores = DynamoDbStores.builder(world.config(A)).build();
        consumer = SqsCommitsQueue.create(world.config(B));
        World.Site a = world.site(A);
        lakeFs = SdkLakeFs.create(a.lakeFsEndpoint(), world.replicationAccessKeyId(),
                new Secret(world.replicationSecretAccessKey()));
        lakeFsHttp = new LakeFsHttp(a.lakeFsEndpoint(), world.replicationAccessKeyId(), world.replicationSecretAccessKey());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {lakeFs, consumer, stores, world}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + c + " failed", e);
                }
            }
        }
    }

    @Test
    void sensor_shouldAnnounceThreeBranchesParentsFirst_andAfterARestartOnlyWhatIsNew() {
        World.Site a = world.site(A);
        lakeFsHttp.createRepository(REPO.value(), a.storageNamespace(REPO.value()));
        commit(MAIN, "base", 2);
        lakeFs.createBranch(REPO, DEV, MAIN.asRef(), false);
        lakeFs.createBranch(REPO, FEATURE, MAIN.asRef(), false);
        commit(DEV, "dev work", 2);
        commit(FEATURE, "feature work", 3);
        commit(MAIN, "main work", 1);
        lakeFsHttp.merge(REPO.value(), FEATURE.value(), MAIN.value());
        MirrorSpec spec = activeMirror(MirrorId.of("m-events"));

        List<CommitsDetected> received;
        try (RegionProcess first = RegionProcess.start(world.config(A), EnumSet.of(RegionProcess.Part.SENSOR))) {
            received = receiveUntilHeads(spec, Map.of(MAIN, head(MAIN), DEV, head(DEV), FEATURE, head(FEATURE)));
        }

        assertGroupsInOrderParentsFirst(received);
        Set<CommitId> sent = new HashSet<>();
        received.forEach(m -> m.commits().forEach(c -> sent.add(c.id())));
        assertThat(sent).as("every commit of the source reached B").isEqualTo(allCommits());

        Instant restarted = Instant.now();
        try (RegionProcess second = RegionProcess.start(world.config(A), EnumSet.of(RegionProcess.Part.SENSOR))) {
            await().alias("the restarted sensor scanned the mirror twice").atMost(Duration.ofSeconds(60))
                    .until(() -> source(spec).flatMap(SourceStatus::lastScanAt)
                            .map(t -> t.isAfter(restarted.plusSeconds(1))).orElse(false));
            assertThat(consumer.receive(10, Duration.ofSeconds(1))).as("nothing re-sent after the restart").isEmpty();

            CommitId newHead = commit(DEV, "after restart", 1);
            List<CommitsDetected> later = receiveUntilHeads(spec, Map.of(DEV, newHead));
            assertThat(later).hasSize(1);
            assertThat(later.get(0).commits()).extracting(CommitRecord::id).containsExactly(newHead);
            long lastDevSequence = received.stream().filter(m -> m.branch().equals(DEV))
                    .mapToLong(CommitsDetected::sequence).max().orElseThrow();
            assertThat(later.get(0).sequence()).isEqualTo(lastDevSequence + 1);
        }
    }

    private static MirrorSpec activeMirror(MirrorId id) {
        MirrorsDatabase mirrors = stores.mirrorsDatabase();
        MirrorSpec spec = new MirrorSpec(id, RepositoryId.of("events-mirror"), REPO, Region.of(A), Region.of(B),
                StorageNamespace.of(world.site(B).storageNamespace(REPO.value())), MAIN, Instant.now(), "sensor-it",
                Optional.empty());
        mirrors.createMirror(spec);
        mirrors.putStatus(new MirrorStatus(id, MirrorState.ACTIVE, "", Instant.now()), Set.of(), true);
        return spec;
    }

    private static Optional<SourceStatus> source(MirrorSpec spec) {
        return stores.mirrorsDatabase().getMirror(spec.id()).flatMap(r -> r.source());
    }

    private static CommitId commit(BranchId branch, String message, int count) {
        CommitId last = null;
        for (int i = 0; i < count; i++) {
            lakeFsHttp.upload(REPO.value(), branch.value(), "data/" + branch + "/" + message.replace(' ', '-') + "-" + i,
                    (message + " " + i).getBytes(StandardCharsets.UTF_8));
            last = CommitId.of(lakeFsHttp.commit(REPO.value(), branch.value(), message + " " + i).get("id").asText());
        }
        return last;
    }

    private static CommitId head(BranchId branch) {
        return lakeFs.getBranch(REPO, branch).commitId();
    }

    private static Set<CommitId> allCommits() {
        Set<CommitId> out = new HashSet<>();
        for (BranchId b : List.of(MAIN, DEV, FEATURE)) {
            Page.all(after -> lakeFs.logCommits(REPO, b.asRef(), after.isEmpty() ? LogRequest.first(1000)
                    : LogRequest.first(1000).after(CommitId.of(after)))).forEach(c -> out.add(c.id()));
        }
        return out;
    }

    /** Receives and acknowledges messages of the mirror until each branch's last batch names the given head. */
    private static List<CommitsDetected> receiveUntilHeads(MirrorSpec spec, Map<BranchId, CommitId> heads) {
        List<CommitsDetected> received = new ArrayList<>();
        Map<BranchId, CommitId> reached = new LinkedHashMap<>();
        await().alias("B's queue carries every branch up to its head " + heads).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    for (CommitsQueue.ReceivedMessage m : consumer.receive(10, Duration.ofMillis(500))) {
                        CommitsDetected message = CommitsDetectedCodec.decode(m.body());
                        consumer.delete(m);
                        if (!message.mirrorId().equals(spec.id())) {
                            continue;
                        }
                        assertThat(m.groupId()).isEqualTo(message.groupId());
                        received.add(message);
                        if (message.lastBatch()) {
                            message.head().ifPresent(h -> reached.put(message.branch(), h));
                        }
                    }
                    return heads.entrySet().stream().allMatch(e -> e.getValue().equals(reached.get(e.getKey())));
                });
        return received;
    }

    /**
     * Per branch, sequences count up and batches follow each other; every commit comes after its
     * parents, which were sent earlier on the same branch or on another one.
     */
    private static void assertGroupsInOrderParentsFirst(List<CommitsDetected> received) {
        Set<CommitId> everywhere = new HashSet<>();
        received.forEach(m -> m.commits().forEach(c -> everywhere.add(c.id())));
        Map<BranchId, List<CommitsDetected>> groups = new LinkedHashMap<>();
        received.forEach(m -> groups.computeIfAbsent(m.branch(), b -> new ArrayList<>()).add(m));
        assertThat(groups.keySet()).containsExactlyInAnyOrder(MAIN, DEV, FEATURE);
        groups.forEach((branch, messages) -> {
            long sequence = 0;
            int batch = -1;
            Set<CommitId> seenInGroup = new HashSet<>();
            Set<CommitId> inGroup = new HashSet<>();
            messages.forEach(m -> m.commits().forEach(c -> inGroup.add(c.id())));
            for (CommitsDetected m : messages) {
                if (m.sequence() != sequence) {
                    assertThat(m.sequence()).as("sequence of %s", branch).isEqualTo(sequence + 1);
                    assertThat(m.batch()).isZero();
                    sequence = m.sequence();
                } else {
                    assertThat(m.batch()).as("batch of %s/%d", branch, sequence).isEqualTo(batch + 1);
                }
                batch = m.batch();
                for (CommitRecord c : m.commits()) {
                    for (CommitId parent : c.parents()) {
                        assertThat(seenInGroup.contains(parent) || (!inGroup.contains(parent)
                                && everywhere.contains(parent)))
                                .as("parent %s of %s sent before it", parent, c.id()).isTrue();
                    }
                    seenInGroup.add(c.id());
                }
                if (m.lastBatch()) {
                    assertThat(m.headRecord()).as("head record on the last batch of %s/%d", branch, sequence).isPresent();
                }
            }
        });
    }

    /** The calls the lakeFS port does not offer: uploading, committing and merging. */
    private static final class LakeFsHttp {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final URI api;
        private final String authorization;

        LakeFsHttp(URI endpoint, String accessKeyId, String secretAccessKey) {
            this.api = URI.create(endpoint + "/api/v1");
            this.authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((accessKeyId + ":" + secretAccessKey).getBytes(StandardCharsets.UTF_8));
        }

        void createRepository(String name, String storageNamespace) {
            send("POST", "/repositories", JSON.createObjectNode().put("name", name)
                    .put("storage_namespace", storageNamespace).put("default_branch", "main").toString()
                    .getBytes(StandardCharsets.UTF_8), "application/json");
        }

        void upload(String repository, String branch, String path, byte[] content) {
            send("POST", "/repositories/" + repository + "/branches/" + branch + "/objects?path="
                    + URLEncoder.encode(path, StandardCharsets.UTF_8), content, "application/octet-stream");
        }

        JsonNode commit(String repository, String branch, String message) {
            return send("POST", "/repositories/" + repository + "/branches/" + branch + "/commits",
                    JSON.createObjectNode().put("message", message).toString().getBytes(StandardCharsets.UTF_8),
                    "application/json");
        }

        JsonNode merge(String repository, String source, String destination) {
            return send("POST", "/repositories/" + repository + "/refs/" + source + "/merge/" + destination,
                    JSON.createObjectNode().put("message", "merge " + source).toString()
                            .getBytes(StandardCharsets.UTF_8), "application/json");
        }

        private JsonNode send(String method, String path, byte[] body, String contentType) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", authorization).header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                            + response.body());
                }
                return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
