package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.fake.CommitSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class MissingCommitsProperties {

    /**
     * Whatever the history's shape, the path limit, what the mirror already has and which records the
     * refstore lacks: every missing commit is created exactly once, after all of its parents.
     */
    @Property(tries = 150)
    void copy_shouldCreateEveryMissingCommitOnce_afterItsParents(@ForAll @IntRange(min = 1, max = 150) int size,
                                                                 @ForAll @IntRange(min = 2, max = 12) int pathLimit,
                                                                 @ForAll long seed) {
        PromoterFixture f = new PromoterFixture().active();
        Random random = new Random(seed);
        List<CommitRecord> all = new ArrayList<>();
        all.add(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, PromoterFixture.MAIN)));
        for (int i = 1; i < size; i++) {
            List<CommitId> parents = new ArrayList<>();
            parents.add(all.get(all.size() - 1 - random.nextInt(Math.min(all.size(), 3))).id());
            if (random.nextInt(4) == 0) {
                CommitId other = all.get(random.nextInt(all.size())).id();
                if (!parents.contains(other)) {
                    parents.add(other);
                }
            }
            all.add(f.source.addCommit(SOURCE_REPO, parents, CommitSpec.message("c" + i)));
        }
        // Heads are descendants of everything below them: the newest commits with no children.
        CommitRecord head = f.source.addCommit(SOURCE_REPO, all.stream().filter(c -> all.stream()
                .noneMatch(o -> o.parents().contains(c.id()))).map(CommitRecord::id).limit(3).toList(),
                CommitSpec.message("head"));
        all.add(head);
        Set<CommitId> onMirror = new HashSet<>();
        for (CommitRecord c : all) {
            boolean parentsThere = onMirror.containsAll(c.parents());
            if (parentsThere && c != head && random.nextInt(3) == 0) {
                f.mirror.createCommitRecord(MIRROR_REPO, c, true);
                onMirror.add(c.id());
                if (random.nextBoolean()) {
                    f.refstore.putCommits(MIRROR, List.of(c));
                    f.refstore.markPromoted(MIRROR, List.of(c.id()));
                }
            } else if (random.nextInt(5) > 0) {
                f.refstore.putCommits(MIRROR, List.of(c));
            }
        }
        RecordingLakeFs mirror = new RecordingLakeFs(f.mirror, f.clock);

        new MissingCommits(f.refstore, pathLimit).copy(f.spec, head.id(), new MissingCommits.Clients() {
            @Override
            public LakeFs mirror() {
                return mirror.lakeFs();
            }

            @Override
            public LakeFs source() {
                return f.source;
            }
        });

        Set<CommitId> there = new HashSet<>(onMirror);
        java.util.Map<CommitId, CommitRecord> byId = new java.util.HashMap<>();
        all.forEach(c -> byId.put(c.id(), c));
        for (CommitId c : mirror.created) {
            assertThat(there).as("parents of %s", c).containsAll(byId.get(c).parents());
            assertThat(there.add(c)).as("%s created once", c).isTrue();
        }
        assertThat(f.mirror.ancestors(MIRROR_REPO, head.id())).as("the whole history is on the mirror")
                .containsExactlyInAnyOrderElementsOf(f.source.ancestors(SOURCE_REPO, head.id()));
    }
}
