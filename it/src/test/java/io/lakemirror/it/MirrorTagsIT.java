package io.lakemirror.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ReplicationApiClient;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tags through the whole service on the two-region world (issue 23): a source tag reaches the mirror only once its
 * commit's metarange and ranges are in the mirror bucket (a held-back range keeps it waiting, and the status names
 * the range), a tag moved by deletion and re-creation follows, a deleted tag is deleted, and {@code mirror_tags}
 * (at creation and by {@code PATCH}) switches it all off and on.
 */
class MirrorTagsIT {
    private static final String A = TwoRegionService.A;
    private static final String B = TwoRegionService.B;
    private static final BranchId MAIN = BranchId.of("main");
    private static final Duration WITHIN = Duration.ofSeconds(60);
    /** Several mirrors-manager passes (1 s apart in the world): long enough for a tag that would be mirrored to be. */
    private static final Duration PASSES = Duration.ofSeconds(4);
    private static TwoRegionService service;
    private static World world;
    private static LakeFsUser user;
    private static SdkLakeFs lakeFsB;

    @BeforeAll
    static void startTwoRegions() {
        service = TwoRegionService.start(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(200)), 23);
        world = service.world();
        user = service.user();
        lakeFsB = service.lakeFsB();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void tags_shouldWaitForAHeldBackRange_thenAppear_andFollowMovesAndDeletions() {
        TwoRegionService.CreatedMirror m = service.mirror("tagged");
        BucketReplicator aToB = world.replicator(A, B);
        user.upload(m.source(), MAIN, "data/first.csv", "1".getBytes(StandardCharsets.UTF_8));
        CommitId first = user.commit(m.source(), MAIN, "first").id();
        user.createTag(m.source(), "v1", first.value());
        await().alias("v1 mirrored").atMost(WITHIN).until(() -> first.equals(mirrorTags(m).get("v1")));

        aToB.pause();
        user.upload(m.source(), MAIN, "data/second.csv", "2".getBytes(StandardCharsets.UTF_8));
        LakeFsUser.Commit second = user.commit(m.source(), MAIN, "second");
        String rangeKey = newRange(m, second.metaRangeId());
        BucketReplicator.Hold hold = aToB.holdBack(Pattern.quote(rangeKey));
        aToB.resume();
        user.createTag(m.source(), "v2", second.id().value());

        await().alias("the status names v2 waiting for the held-back range").atMost(WITHIN).until(() -> {
            JsonNode waiting = service.apiA().mirror(m.source().value(), m.id()).get("tags_waiting");
            return waiting.size() == 1 && waiting.get(0).get("id").asText().equals("v2")
                    && waiting.get(0).get("commit_id").asText().equals(second.id().value())
                    && waiting.get(0).get("missing_files").toString().contains(rangeKey);
        });
        assertThat(mirrorTags(m)).as("no tag at a commit whose range is missing").doesNotContainKey("v2");

        hold.release();
        await().alias("v2 mirrored once its range arrived").atMost(WITHIN)
                .until(() -> second.id().equals(mirrorTags(m).get("v2")));
        await().alias("nothing waits any more").atMost(WITHIN)
                .until(() -> service.apiA().mirror(m.source().value(), m.id()).get("tags_waiting").isEmpty());

        user.deleteTag(m.source(), "v1");
        user.createTag(m.source(), "v1", second.id().value());
        await().alias("v1 moved to the second commit").atMost(WITHIN)
                .until(() -> second.id().equals(mirrorTags(m).get("v1")));

        user.deleteTag(m.source(), "v2");
        await().alias("v2 deleted on the mirror").atMost(WITHIN).until(() -> !mirrorTags(m).containsKey("v2"));
        assertThat(mirrorTags(m)).containsExactly(Map.entry("v1", second.id()));
    }

    @Test
    void mirrorTags_shouldMirrorNoTag_whenCreatedOff_andFollowAPatchSwitchingIt() {
        RepositoryId source = RepositoryId.of("untagged");
        user.createRepository(source, world.site(A).storageNamespace(source.value()));
        RepositoryId name = RepositoryId.of("untagged-mirror");
        ReplicationApiClient api = service.apiA();
        JsonNode created = api.createMirror(source.value(), name.value(), B,
                world.site(B).storageNamespace(source.value()), false);
        String id = created.get("id").asText();
        assertThat(created.get("mirror_tags").asBoolean()).isFalse();
        await().alias("mirror ACTIVE").atMost(WITHIN)
                .until(() -> api.mirror(source.value(), id).get("status").asText().equals("ACTIVE"));
        user.upload(source, MAIN, "data/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        CommitId commit = user.commit(source, MAIN, "tagged").id();
        user.createTag(source, "v1", commit.value());
        await().alias("main mirrored").atMost(WITHIN).ignoreException(NotFoundException.class)
                .until(() -> lakeFsB.getBranch(name, MAIN).commitId().equals(commit));

        await().alias("no tag mirrored over several passes").during(PASSES).atMost(PASSES.multipliedBy(3))
                .until(() -> tags(name).isEmpty());

        assertThatThrownBy(() -> api.updateMirror(source.value(), id, "{\"mirror_tags\": \"yes\"}"))
                .hasMessageContaining("answered 400");
        assertThatThrownBy(() -> api.updateMirror(source.value(), id, "{}")).hasMessageContaining("answered 400");

        JsonNode on = api.updateMirror(source.value(), id, "{\"mirror_tags\": true}");
        assertThat(on.get("mirror_tags").asBoolean()).isTrue();
        await().alias("v1 mirrored once switched on").atMost(WITHIN).until(() -> commit.equals(tags(name).get("v1")));

        JsonNode off = api.updateMirror(source.value(), id, "{\"mirror_tags\": false}");
        assertThat(off.get("mirror_tags").asBoolean()).isFalse();
        user.createTag(source, "v2", commit.value());
        user.deleteTag(source, "v1");
        await().alias("switched off: v2 not mirrored and v1 kept").during(PASSES).atMost(PASSES.multipliedBy(3))
                .until(() -> tags(name).equals(Map.of("v1", commit)));
    }

    private static Map<String, CommitId> mirrorTags(TwoRegionService.CreatedMirror m) {
        return tags(m.name());
    }

    private static Map<String, CommitId> tags(RepositoryId repository) {
        return lakeFsB.listTags(repository, PageRequest.largest()).results().stream()
                .collect(Collectors.toMap(t -> t.id().value(), Tag::commitId));
    }

    /** The key of a range of the commit's metarange that bucket replication has not copied yet. */
    private static String newRange(TwoRegionService.CreatedMirror m, String metaRangeId) {
        String bucket = world.site(A).bucket();
        String prefix = m.source() + "/_lakefs/";
        return world.s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(o -> o.key())
                .filter(k -> !k.endsWith(metaRangeId) && !k.endsWith("dummy"))
                .filter(k -> world.replicator(A, B).landedAt(k).isEmpty())
                .findFirst().orElseThrow(() -> new IllegalStateException("no new range of " + metaRangeId + " in " + bucket));
    }
}
