package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static io.lakemirror.promoter.PromoterFixture.SOURCE_REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MissingCommitsTest {
    private final PromoterFixture f = new PromoterFixture().active();
    private final RecordingLakeFs mirror = new RecordingLakeFs(f.mirror, f.clock);

    private MissingCommits.Clients clients() {
        return new MissingCommits.Clients() {
            @Override
            public LakeFs mirror() {
                return mirror.lakeFs();
            }

            @Override
            public LakeFs source() {
                return f.source;
            }
        };
    }

    /** A linear history of {@code length} commits on the source's main, each record in the refstore. */
    private List<CommitRecord> history(int length) {
        List<CommitRecord> all = new ArrayList<>();
        all.add(f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN)));
        for (int i = 1; i < length; i++) {
            all.add(f.source.commit(SOURCE_REPO, MAIN, "c" + i));
        }
        f.refstore.putCommits(MIRROR, all);
        return all;
    }

    private static void assertParentsFirst(List<CommitId> created, Set<CommitId> onMirrorBefore, List<CommitRecord> all) {
        Set<CommitId> there = new HashSet<>(onMirrorBefore);
        java.util.Map<CommitId, CommitRecord> byId = new java.util.HashMap<>();
        all.forEach(c -> byId.put(c.id(), c));
        for (CommitId c : created) {
            assertThat(there).as("parents of %s created before it", c).containsAll(byId.get(c).parents());
            assertThat(there.add(c)).as("%s created once", c).isTrue();
        }
    }

    @Test
    void copy_shouldStreamALongHistoryParentsFirst_holdingNoMoreThanItsPathLimit() {
        List<CommitRecord> all = history(2_000);

        MissingCommits.Copied copied = new MissingCommits(f.refstore, 16).copy(f.spec, all.get(all.size() - 1).id(), clients());

        assertThat(copied.created()).isEqualTo(2_000);
        assertThat(copied.peakPath()).isEqualTo(16);
        assertThat(mirror.created).hasSize(2_000);
        assertParentsFirst(mirror.created, Set.of(), all);
        assertThat(f.refstore.getCommits(MIRROR, all.stream().map(CommitRecord::id).toList()).values())
                .allMatch(c -> c.promoted());
    }

    @Test
    void copy_shouldResumeWhereItStopped_whenAWalkFailedHalfWay() {
        List<CommitRecord> all = history(300);
        f.mirror.addCallListener((operation, repository) -> {
            if (operation == LakeFsOperation.CREATE_COMMIT_RECORD && f.mirror.calls(operation) == 151) {
                throw new io.lakemirror.domain.RetryableException("lakeFS answered 503; retried later");
            }
        });
        MissingCommits missing = new MissingCommits(f.refstore, 32);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> missing.copy(f.spec, all.get(299).id(), clients()))
                .isInstanceOf(io.lakemirror.domain.RetryableException.class);
        MissingCommits.Copied second = missing.copy(f.spec, all.get(299).id(), clients());

        assertThat(second.created()).as("only what the first walk did not create").isEqualTo(150);
        assertParentsFirst(mirror.created, Set.of(), all);
    }

    @Test
    void copy_shouldStopAtCommitsOnTheMirror_andLookUpRecordsTheRefstoreLacks() {
        CommitRecord root = f.source.commitRecord(SOURCE_REPO, f.source.head(SOURCE_REPO, MAIN));
        f.mirror.createCommitRecord(MIRROR_REPO, root, true);
        CommitRecord one = f.source.commit(SOURCE_REPO, MAIN, "one, whose message was lost");
        CommitRecord side = f.source.addCommit(SOURCE_REPO, List.of(root.id()), CommitSpec.message("side"));
        CommitRecord merge = f.source.addCommit(SOURCE_REPO, List.of(one.id(), side.id()), CommitSpec.message("merge"));
        f.refstore.putCommits(MIRROR, List.of(side, merge));
        f.mirror.resetCallCounts();

        MissingCommits.Copied copied = new MissingCommits(f.refstore).copy(f.spec, merge.id(), clients());

        assertThat(copied.created()).isEqualTo(3);
        assertThat(mirror.created).containsExactly(one.id(), side.id(), merge.id());
        assertThat(f.source.calls(LakeFsOperation.GET_COMMIT)).as("one, from the source").isEqualTo(1);
        assertThat(f.mirror.calls(LakeFsOperation.GET_COMMIT)).as("root and one looked up on the mirror").isEqualTo(2);
    }
}
