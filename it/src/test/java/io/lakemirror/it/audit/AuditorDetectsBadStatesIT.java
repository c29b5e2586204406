package io.lakemirror.it.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.ByteSource;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.LocalServices;
import io.lakemirror.testkit.ProcessHygiene;
import io.lakemirror.testkit.World;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The judge is tested too: a fault run without violations means something only if the auditor
 * does see the bad states the service must never produce. Each test lets a real mirror (both
 * regions' services running) converge cleanly under the auditor, then damages it by hand the way a
 * bug or an intruder would, and expects the invariant that damage breaks (DESIGN.md §8).
 */
class AuditorDetectsBadStatesIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final BranchId MAIN = BranchId.of("main");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DETECTION = Duration.ofSeconds(15);
    private static ProcessHygiene.Snapshot processes;
    private static World world;
    private static RegionProcess regionA;
    private static RegionProcess regionB;
    private static LakeFsUser user;
    private static SdkLakeFs lakeFsA;
    private static SdkLakeFs lakeFsB;

    @BeforeAll
    static void startTwoRegions() {
        processes = ProcessHygiene.snapshot();
        world = World.builder().regions(A, B)
                .replicationDelays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(100)))
                .replicationSeed(13)
                .config("commit_sensor.process_branches_duration", "200ms")
                .start();
        regionA = start(A);
        regionB = start(B);
        user = new LakeFsUser(world.site(A).lakeFsEndpoint(), world.replicationAccessKeyId(), world.replicationSecretAccessKey());
        lakeFsA = SdkLakeFs.create(world.site(A).lakeFsEndpoint(), world.replicationAccessKeyId(),
                new Secret(world.replicationSecretAccessKey()));
        lakeFsB = SdkLakeFs.create(world.site(B).lakeFsEndpoint(), world.replicationAccessKeyId(),
                new Secret(world.replicationSecretAccessKey()));
    }

    private static RegionProcess start(String region) {
        var config = world.config(region);
        return RegionProcess.start(config, LocalServices.dynoxideShims(config), LocalServices.seedChangeFeed(world),
                EnumSet.allOf(RegionProcess.Part.class));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {lakeFsA, lakeFsB, regionB, regionA, world}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest; the hygiene check below reports leftovers
            }
        }
        processes.assertNoNewProcesses(Duration.ofSeconds(15));
    }

    @Test
    void auditor_shouldReportI1_whenAMirrorBranchIsHardResetToACommitWhoseFilesAreNotInTheBucket() {
        Mirror m = mirror("reset-by-hand");
        BucketReplicator aToB = world.replicator(A, B);
        try (Auditor auditor = m.auditor()) {
            m.commitAndConverge(auditor, "a.csv");

            aToB.pause();
            try {
                user.upload(m.source(), MAIN, "data/b.csv", "b".getBytes(StandardCharsets.UTF_8));
                CommitId unreplicated = user.commit(m.source(), MAIN, "never replicated").id();
                auditor.witness(m.name().value(), MAIN, Optional.of(unreplicated));
                // Someone copies the commit record and moves the mirror branch by hand, bypassing the validator.
                lakeFsB.createCommitRecord(m.name(), lakeFsA.getCommit(m.source(), unreplicated.asRef()), true);
                lakeFsB.hardResetBranch(m.name(), MAIN, unreplicated.asRef(), true);

                awaitViolation(auditor, "I1", "missing");
            } finally {
                aToB.resume();
            }
        }
    }

    @Test
    void auditor_shouldReportI5_whenAMirrorCommitRecordHasATamperedField() {
        Mirror m = mirror("tampered-record");
        try (Auditor auditor = m.auditor()) {
            CommitId head = m.commitAndConverge(auditor, "a.csv");
            CommitRecord honest = lakeFsB.getCommit(m.name(), head.asRef());
            HashMap<String, String> metadata = new HashMap<>(honest.metadata());
            metadata.put("approved_by", "nobody");
            CommitRecord tampered = new CommitRecord(honest.id(), honest.parents(), honest.committer(), honest.message(),
                    honest.metaRangeId(), honest.creationDate(), metadata, honest.generation(), honest.version());

            world.site(B).lakeFs().replaceCommitRecordForTest(m.name(), tampered);

            awaitViolation(auditor, "I5", head.value());
        }
    }

    @Test
    void auditor_shouldReportI1_whenARangeUnderAPromotedCommitIsDeletedFromTheBucket() {
        Mirror m = mirror("deleted-range");
        try (Auditor auditor = m.auditor()) {
            CommitId head = m.commitAndConverge(auditor, "a.csv");
            List<String> ranges = m.rangeKeys(lakeFsB.getCommit(m.name(), head.asRef()).metaRangeId().orElseThrow());
            assertThat(ranges).as("ranges of the mirror head").isNotEmpty();

            world.s3().deleteObject(b -> b.bucket(m.namespace().bucket()).key(ranges.get(0)));

            awaitViolation(auditor, "I1", "ranges missing");
        }
    }

    private static void awaitViolation(Auditor auditor, String invariant, String detail) {
        await("the auditor reports " + invariant).alias(invariant).atMost(DETECTION).pollInterval(Duration.ofMillis(100))
                .until(() -> auditor.violations().stream()
                        .anyMatch(v -> v.invariant().equals(invariant) && v.detail().contains(detail)));
    }

    /** Creates a source repository in A and its mirror in B through A's API; waits until the mirror is ACTIVE. */
    private static Mirror mirror(String repo) {
        RepositoryId source = RepositoryId.of(repo);
        user.createRepository(source, world.site(A).storageNamespace(repo));
        String mirrorName = repo + "-mirror";
        String namespace = world.site(B).storageNamespace(repo);
        JsonNode created = api("POST", "/service/replication/v1/repositories/" + repo + "/mirrors",
                JSON.createObjectNode().put("name", mirrorName).put("region", B).put("storage_namespace", namespace).toString());
        String id = created.get("id").asText();
        await("mirror " + mirrorName + " ACTIVE").atMost(Duration.ofSeconds(30)).until(() ->
                api("GET", "/service/replication/v1/repositories/" + repo + "/mirrors/" + id, null)
                        .get("status").asText().equals("ACTIVE"));
        return new Mirror(source, RepositoryId.of(mirrorName), StorageNamespace.of(namespace));
    }

    private record Mirror(RepositoryId source, RepositoryId name, StorageNamespace namespace) {
        Auditor auditor() {
            Auditor auditor = new Auditor(world.s3(), List.of(new AuditedMirror(name.value(), lakeFsA, source, lakeFsB, name,
                    namespace)), Duration.ofMillis(100)).start();
            auditor.witness(name.value(), MAIN, Optional.of(user.head(source, MAIN)));
            return auditor;
        }

        /** A commit on the source's main, mirrored and audited without violation: the clean state damage starts from. */
        CommitId commitAndConverge(Auditor auditor, String file) {
            user.upload(source, MAIN, "data/" + file, file.getBytes(StandardCharsets.UTF_8));
            CommitId head = user.commit(source, MAIN, "commit " + file).id();
            auditor.witness(name.value(), MAIN, Optional.of(head));
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(60))).as(auditor.differences()).isTrue();
            assertThat(auditor.violations()).as("violations before any damage").isEmpty();
            return head;
        }

        List<String> rangeKeys(MetaRangeId metaRange) {
            String key = namespace.metadataKey(metaRange);
            byte[] bytes = world.s3().getObjectAsBytes(b -> b.bucket(namespace.bucket()).key(key)).asByteArray();
            List<String> keys = new ArrayList<>();
            GravelerReader.readMetaRange(ByteSource.of(key, bytes))
                    .forEachRemaining((RangeInfo r) -> keys.add(namespace.metadataKey(r.id())));
            return keys;
        }
    }

    private static JsonNode api(String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + regionA.apiPort().orElseThrow()
                            + path))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((world.replicationAccessKeyId()
                            + ":" + world.replicationSecretAccessKey()).getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(30));
            request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                    : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
