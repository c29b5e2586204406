package io.lakemirror.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.it.audit.AuditedMirror;
import io.lakemirror.it.audit.Auditor;
import io.lakemirror.it.audit.Violation;
import io.lakemirror.lakefs.LakeFs;
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
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product end to end: two regions, every component of each running on the real backends
 * (dynoxide, ElasticMQ, S3Mock, lakeFS test servers), bucket replication delaying and reordering
 * objects, and an independent auditor judging the mirrors throughout.
 */
class MirrorEndToEndIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final ObjectMapper JSON = new ObjectMapper();
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
                .replicationDelays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(400)))
                .replicationSeed(42)
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
                // keep closing the rest; hygiene below reports leftovers
            }
        }
        processes.assertNoNewProcesses(Duration.ofSeconds(15));
    }

    /** Creates a source repository in A and its mirror in B through A's API; waits until the mirror is ACTIVE. */
    private static Mirror mirror(String repo) {
        RepositoryId source = RepositoryId.of(repo);
        user.createRepository(source, world.site(A).storageNamespace(repo));
        String mirrorName = repo + "-mirror";
        String namespace = world.site(B).storageNamespace(repo);
        JsonNode created = api(regionA, "POST", "/service/replication/v1/repositories/" + repo + "/mirrors",
                JSON.createObjectNode().put("name", mirrorName).put("region", B).put("storage_namespace", namespace).toString());
        String id = created.get("id").asText();
        await("mirror " + mirrorName + " ACTIVE").atMost(Duration.ofSeconds(30)).until(() ->
                api(regionA, "GET", "/service/replication/v1/repositories/" + repo + "/mirrors/" + id, null)
                        .get("status").asText().equals("ACTIVE"));
        return new Mirror(id, source, RepositoryId.of(mirrorName), StorageNamespace.of(namespace));
    }

    private record Mirror(String id, RepositoryId source, RepositoryId name, StorageNamespace namespace) {
        AuditedMirror audited(LakeFs sourceLakeFs, LakeFs mirrorLakeFs) {
            return new AuditedMirror(name.value(), sourceLakeFs, source, mirrorLakeFs, name, namespace);
        }
    }

    private static JsonNode api(RegionProcess region, String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + region.apiPort().orElseThrow() + path))
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
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mirror_shouldFollow200CommitsAcrossBranches_withoutAnyViolation() {
        Mirror m = mirror("workload");
        try (Auditor auditor = new Auditor(world.s3(), List.of(m.audited(lakeFsA, lakeFsB)), Duration.ofMillis(100)).start()) {
            Workload workload = new Workload(user, m.source(), 7, (branch, head) -> auditor.witness(m.name().value(), branch, head));

            workload.run(4, 200);

            assertThat(auditor.awaitConvergence(Duration.ofSeconds(90))).as(auditor.differences()).isTrue();
            assertThat(auditor.violations()).isEmpty();
            assertThat(auditor.rounds()).isGreaterThan(10);
        }
    }

    @Test
    void mirror_shouldWaitForAHeldBackRange_andCatchUpWhenItArrives() {
        Mirror m = mirror("held");
        BucketReplicator aToB = world.replicator(A, B);
        BranchId main = BranchId.of("main");
        try (Auditor auditor = new Auditor(world.s3(), List.of(m.audited(lakeFsA, lakeFsB)), Duration.ofMillis(100)).start()) {
            auditor.witness(m.name().value(), main, Optional.of(user.head(m.source(), main)));
            user.upload(m.source(), main, "data/first.csv", "1".getBytes(StandardCharsets.UTF_8));
            CommitId first = user.commit(m.source(), main, "first").id();
            auditor.witness(m.name().value(), main, Optional.of(first));
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(60))).as(auditor.differences()).isTrue();

            aToB.pause();
            user.upload(m.source(), main, "data/second.csv", "2".getBytes(StandardCharsets.UTF_8));
            LakeFsUser.Commit second = user.commit(m.source(), main, "second");
            auditor.witness(m.name().value(), main, Optional.of(second.id()));
            String rangeKey = heldRange(m, second.metaRangeId());
            BucketReplicator.Hold hold = aToB.holdBack(Pattern.quote(rangeKey));
            aToB.resume();

            await("the mirror reports the missing range").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode branch = api(regionA, "GET", "/service/replication/v1/repositories/" + m.source() + "/mirrors/" + m.id(), null)
                        .get("branches").get(0);
                return branch.get("missing_files").toString().contains(rangeKey);
            });
            assertThat(lakeFsB.getBranch(m.name(), main).commitId()).isEqualTo(first);

            hold.release();
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(30))).as(auditor.differences()).isTrue();
            assertThat(lakeFsB.getBranch(m.name(), main).commitId()).isEqualTo(second.id());
            assertThat(auditor.violations()).isEmpty();
        }
    }

    /** The key of a range of the commit's metarange that the previous commit did not have. */
    private static String heldRange(Mirror m, String metaRangeId) {
        String source = world.site(A).bucket();
        String prefix = m.source() + "/_lakefs/";
        return world.s3().listObjectsV2Paginator(b -> b.bucket(source).prefix(prefix)).contents().stream()
                .map(o -> o.key())
                .filter(k -> !k.endsWith(metaRangeId) && !k.endsWith("dummy"))
                .filter(k -> world.replicator(A, B).landedAt(k).isEmpty())
                .findFirst().orElseThrow(() -> new IllegalStateException("no new range of " + metaRangeId + " in " + source));
    }

    @Test
    void auditor_shouldCatchAMirrorBranchResetByHandToACommitWhoseRangeIsMissing() {
        Mirror m = mirror("tampered");
        BranchId main = BranchId.of("main");
        BucketReplicator aToB = world.replicator(A, B);
        try (Auditor auditor = new Auditor(world.s3(), List.of(m.audited(lakeFsA, lakeFsB)), Duration.ofMillis(100)).start()) {
            auditor.witness(m.name().value(), main, Optional.of(user.head(m.source(), main)));
            user.upload(m.source(), main, "data/a.csv", "a".getBytes(StandardCharsets.UTF_8));
            CommitId first = user.commit(m.source(), main, "first").id();
            auditor.witness(m.name().value(), main, Optional.of(first));
            assertThat(auditor.awaitConvergence(Duration.ofSeconds(60))).isTrue();

            aToB.pause();
            user.upload(m.source(), main, "data/b.csv", "b".getBytes(StandardCharsets.UTF_8));
            LakeFsUser.Commit unreplicated = user.commit(m.source(), main, "never replicated");
            // Someone copies the commit record and moves the mirror branch by hand, bypassing the validator.
            lakeFsB.createCommitRecord(m.name(), lakeFsA.getCommit(m.source(), unreplicated.id().asRef()), true);
            lakeFsB.hardResetBranch(m.name(), main, unreplicated.id().asRef(), true);

            await("the auditor reports I1").atMost(Duration.ofSeconds(10))
                    .until(() -> auditor.violations().stream().map(Violation::invariant).anyMatch("I1"::equals));
            aToB.resume();
        }
    }
}
