package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.blockstore.CommitFiles;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.TagId;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Tag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class TagMirrorProperties {

    /**
     * Whatever the source does to its tags (create, delete, move), in whatever order files arrive and
     * two managers' passes run: a mirror tag only ever names a complete commit that the source tag
     * named at some point, and once every file is there one pass makes the mirror's tags the source's.
     */
    @Property(tries = 200)
    void sync_shouldKeepMirrorTagsAtCompleteCommitsTheSourceTagHad_andConverge(
            @ForAll @IntRange(min = 1, max = 60) int steps, @ForAll long seed) {
        Random random = new Random(seed);
        PromoterFixture f = new PromoterFixture().active();
        Set<MetaRangeId> incomplete = new HashSet<>();
        CommitFiles files = (ns, metaRange) -> metaRange.filter(incomplete::contains)
                .map(m -> new CommitFiles.Presence(1, List.of(ns.metadataKey(m))))
                .orElse(new CommitFiles.Presence(0, List.of()));
        List<TagMirror> managers = List.of(new TagMirror(f.refstore, f.mirror, region -> f.source, files),
                new TagMirror(f.refstore, f.mirror, region -> f.source, files));
        List<CommitRecord> commits = new ArrayList<>();
        Map<TagId, Set<CommitId>> everHad = new HashMap<>();
        List<TagId> names = List.of(TagId.of("a"), TagId.of("b"), TagId.of("c"));
        commits.add(f.source.commit(SOURCE_REPO, MAIN, "c0"));

        for (int i = 0; i < steps; i++) {
            TagId tag = names.get(random.nextInt(names.size()));
            switch (random.nextInt(5)) {
                case 0 -> {
                    CommitRecord c = f.source.commit(SOURCE_REPO, MAIN, "c" + i);
                    commits.add(c);
                    if (random.nextBoolean()) {
                        incomplete.add(c.metaRangeId().orElseThrow());
                    }
                }
                case 1 -> {
                    CommitRecord target = commits.get(random.nextInt(commits.size()));
                    try {
                        f.source.deleteTag(SOURCE_REPO, tag, false);
                    } catch (NotFoundException none) {
                        // Not tagged yet: a plain create.
                    }
                    f.source.createTag(SOURCE_REPO, tag, target.id().asRef(), false);
                    everHad.computeIfAbsent(tag, t -> new HashSet<>()).add(target.id());
                }
                case 2 -> {
                    try {
                        f.source.deleteTag(SOURCE_REPO, tag, false);
                    } catch (NotFoundException none) {
                        // Nothing to delete.
                    }
                }
                case 3 -> incomplete.stream().findAny().ifPresent(incomplete::remove);
                default -> managers.get(random.nextInt(managers.size())).sync(f.spec);
            }
            Map<TagId, CommitId> mirrored = tags(f, MIRROR_REPO);
            for (Map.Entry<TagId, CommitId> t : mirrored.entrySet()) {
                assertThat(everHad.getOrDefault(t.getKey(), Set.of())).as("commits tag %s had", t.getKey())
                        .contains(t.getValue());
                CommitRecord record = f.mirror.commitRecord(MIRROR_REPO, t.getValue());
                assertThat(record.metaRangeId().filter(incomplete::contains)).as("incomplete commit of %s", t.getKey())
                        .isEmpty();
            }
        }
        incomplete.clear();
        managers.get(0).sync(f.spec);
        assertThat(tags(f, MIRROR_REPO)).isEqualTo(tags(f, SOURCE_REPO));
    }

    private static Map<TagId, CommitId> tags(PromoterFixture f, io.lakemirror.domain.RepositoryId repository) {
        io.lakemirror.lakefs.LakeFs lakeFs = repository.equals(SOURCE_REPO) ? f.source : f.mirror;
        return lakeFs.listTags(repository, PageRequest.largest()).results().stream()
                .collect(Collectors.toMap(Tag::id, Tag::commitId));
    }
}
