package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.blockstore.CommitFiles;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.TagId;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TagMirrorTest {
    private static final TagId V1 = TagId.of("v1.0");

    private final PromoterFixture f = new PromoterFixture().active();
    /** Metaranges whose files are not in the mirror's bucket yet. */
    private final Set<MetaRangeId> incomplete = new HashSet<>();
    private final CommitFiles files = (ns, metaRange) -> metaRange.filter(incomplete::contains)
            .map(m -> new CommitFiles.Presence(2, List.of(ns.metadataKey(m))))
            .orElse(new CommitFiles.Presence(0, List.of()));
    private final TagMirror tags = new TagMirror(f.refstore, f.mirror, region -> f.source, files);

    @Test
    void sync_shouldCreateTheTagAndItsCommitsWithTheirIds_whenTheCommitIsComplete() {
        CommitRecord first = f.source.commit(SOURCE_REPO, MAIN, "first");
        CommitRecord second = f.source.commit(SOURCE_REPO, MAIN, "second");
        f.source.createTag(SOURCE_REPO, V1, second.id().asRef(), false);

        TagMirror.Pass pass = tags.sync(f.spec);

        assertThat(pass.created()).isEqualTo(1);
        assertThat(mirrorTags()).containsExactly(Map.entry(V1, second.id()));
        assertThat(f.mirror.commitRecord(MIRROR_REPO, second.id())).isEqualTo(second);
        assertThat(f.mirror.commitRecord(MIRROR_REPO, first.id())).isEqualTo(first);
    }

    @Test
    void sync_shouldWaitNamingTheMissingFiles_andCreateTheTagOnceTheyArrive_whenARangeIsHeldBack() {
        CommitRecord c = f.source.commit(SOURCE_REPO, MAIN, "held back");
        f.source.createTag(SOURCE_REPO, V1, c.id().asRef(), false);
        incomplete.add(c.metaRangeId().orElseThrow());

        TagMirror.Pass waiting = tags.sync(f.spec);

        assertThat(waiting.waiting()).singleElement().satisfies(w -> {
            assertThat(w.tag()).isEqualTo(V1);
            assertThat(w.commit()).isEqualTo(c.id());
            assertThat(w.missingCount()).isEqualTo(2);
            assertThat(w.missingFiles()).containsExactly(f.spec.storageNamespace().metadataKey(c.metaRangeId().get()));
        });
        assertThat(mirrorTags()).isEmpty();
        assertThat(f.mirror.commitIds(MIRROR_REPO)).doesNotContain(c.id());

        incomplete.clear();
        TagMirror.Pass done = tags.sync(f.spec);

        assertThat(done.waiting()).isEmpty();
        assertThat(mirrorTags()).containsExactly(Map.entry(V1, c.id()));
    }

    @Test
    void sync_shouldDeleteTheMirrorTag_whenTheSourceDeletedIt() {
        CommitRecord c = f.source.commit(SOURCE_REPO, MAIN, "tagged");
        f.source.createTag(SOURCE_REPO, V1, c.id().asRef(), false);
        tags.sync(f.spec);

        f.source.deleteTag(SOURCE_REPO, V1, false);
        TagMirror.Pass pass = tags.sync(f.spec);

        assertThat(pass.deleted()).isEqualTo(1);
        assertThat(mirrorTags()).isEmpty();
    }

    @Test
    void sync_shouldKeepTheOldCommitUntilTheNewOneIsComplete_andThenFollow_whenTheSourceMovedTheTag() {
        CommitRecord old = f.source.commit(SOURCE_REPO, MAIN, "old");
        f.source.createTag(SOURCE_REPO, V1, old.id().asRef(), false);
        tags.sync(f.spec);
        CommitRecord moved = f.source.commit(SOURCE_REPO, MAIN, "new");
        f.source.deleteTag(SOURCE_REPO, V1, false);
        f.source.createTag(SOURCE_REPO, V1, moved.id().asRef(), false);
        incomplete.add(moved.metaRangeId().orElseThrow());

        TagMirror.Pass waiting = tags.sync(f.spec);

        assertThat(waiting.waiting()).extracting(MirrorStatus.TagWaiting::commit).containsExactly(moved.id());
        assertThat(mirrorTags()).containsExactly(Map.entry(V1, old.id()));

        incomplete.clear();
        TagMirror.Pass pass = tags.sync(f.spec);

        assertThat(pass.moved()).isEqualTo(1);
        assertThat(mirrorTags()).containsExactly(Map.entry(V1, moved.id()));
    }

    @Test
    void sync_shouldLeaveATagAnotherPassCreated_whenTheCreateFindsItThere() {
        CommitRecord c = f.source.commit(SOURCE_REPO, MAIN, "tagged");
        f.source.createTag(SOURCE_REPO, V1, c.id().asRef(), false);
        TagMirror other = new TagMirror(f.refstore, f.mirror, region -> f.source, files);
        // The other pass lists first and creates the tag while this one is between its listing and its create.
        incomplete.add(c.metaRangeId().orElseThrow());
        tags.sync(f.spec);
        incomplete.clear();
        other.sync(f.spec);

        TagMirror.Pass pass = tags.sync(f.spec);

        assertThat(pass.inSync()).isEqualTo(1);
        assertThat(mirrorTags()).containsExactly(Map.entry(V1, c.id()));
    }

    @Test
    void mirrorTags_shouldRecordTheTagsWaitingInTheStatus_andClearThemOnceTheTagIsMirrored() {
        CommitRecord c = f.source.commit(SOURCE_REPO, MAIN, "held back");
        f.source.createTag(SOURCE_REPO, V1, c.id().asRef(), false);
        incomplete.add(c.metaRangeId().orElseThrow());
        MirrorsManager manager = new MirrorsManager(PromoterFixture.DESTINATION, f.db, f.refstore, f.mirror, f.clock,
                Optional.of(tags));

        manager.mirrorTags(f.db.getMirror(MIRROR).orElseThrow());

        MirrorStatus status = f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow();
        assertThat(status.state()).isEqualTo(MirrorState.ACTIVE);
        assertThat(status.tagsWaiting()).extracting(MirrorStatus.TagWaiting::tag).containsExactly(V1);

        incomplete.clear();
        manager.mirrorTags(f.db.getMirror(MIRROR).orElseThrow());

        assertThat(f.db.getMirror(MIRROR).orElseThrow().status().orElseThrow().tagsWaiting()).isEmpty();
        assertThat(mirrorTags()).containsExactly(Map.entry(V1, c.id()));
    }

    @Test
    void mirrorTags_shouldMirrorNoTag_andKeepExistingOnes_whenTheSpecSwitchedTagsOff() {
        CommitRecord c = f.source.commit(SOURCE_REPO, MAIN, "tagged");
        f.source.createTag(SOURCE_REPO, V1, c.id().asRef(), false);
        MirrorsManager manager = new MirrorsManager(PromoterFixture.DESTINATION, f.db, f.refstore, f.mirror, f.clock,
                Optional.of(tags));
        manager.mirrorTags(f.db.getMirror(MIRROR).orElseThrow());
        f.db.setMirrorTags(MIRROR, false);

        f.source.deleteTag(SOURCE_REPO, V1, false);
        f.source.createTag(SOURCE_REPO, TagId.of("v2"), c.id().asRef(), false);
        manager.mirrorTags(f.db.getMirror(MIRROR).orElseThrow());

        assertThat(mirrorTags()).containsExactly(Map.entry(V1, c.id()));
    }

    private Map<TagId, CommitId> mirrorTags() {
        return f.mirror.listTags(MIRROR_REPO, PageRequest.largest()).results().stream()
                .collect(Collectors.toMap(Tag::id, Tag::commitId));
    }
}
