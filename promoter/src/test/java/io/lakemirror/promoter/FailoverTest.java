package io.lakemirror.promoter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Failover on the fake lakeFS: a mirror with merges becomes a writable copy with identical commits. */
class FailoverTest {
    private static final RepositoryId SOURCE = RepositoryId.of("sales");
    private static final RepositoryId MIRROR = RepositoryId.of("sales-mirror");
    private static final RepositoryId COPY = RepositoryId.of("sales-eu");
    private static final BranchId MAIN = BranchId.of("main");
    private static final BranchId DEV = BranchId.of("dev");
    private static final StorageNamespace NAMESPACE = StorageNamespace.of("s3://bucket-eu/sales");

    private final FakeLakeFs lakeFs = new FakeLakeFs();

    @Test
    void copy_shouldGiveAWritableRepositoryTheMirrorsBranchesAndIdenticalCommits() {
        mirrorWithHistory();

        Failover.Result result = new Failover(lakeFs).copy(MIRROR, COPY);

        assertThat(lakeFs.getRepository(COPY).readOnly()).isFalse();
        assertThat(lakeFs.getRepository(COPY).storageNamespace()).isEqualTo(NAMESPACE.value());
        assertThat(heads(COPY)).isEqualTo(heads(MIRROR)).isEqualTo(result.branches());
        assertThat(log(COPY, MAIN)).isEqualTo(log(MIRROR, MAIN));
        assertThat(log(COPY, DEV)).isEqualTo(log(MIRROR, DEV));
        assertThat(result.commits()).isEqualTo(log(MIRROR, MAIN).size());
        CommitRecord written = lakeFs.commit(COPY, MAIN, "first write after failover");
        assertThat(written.parents()).containsExactly(heads(MIRROR).get(MAIN));
    }

    @Test
    void copy_shouldCompleteAnInterruptedFailover_whenRunAgain() {
        mirrorWithHistory();
        new Failover(lakeFs).copy(MIRROR, COPY);
        lakeFs.deleteBranch(COPY, DEV, false);

        Failover.Result again = new Failover(lakeFs).copy(MIRROR, COPY);

        assertThat(again.commitsAlreadyThere()).isEqualTo(again.commits());
        assertThat(heads(COPY)).isEqualTo(heads(MIRROR));
    }

    @Test
    void copy_shouldMoveOnABranch_thatAnInterruptedRunLeftAtTheEmptyCommit() {
        mirrorWithHistory();
        new Failover(lakeFs).copy(MIRROR, COPY);
        // Interrupted between creating DEV at the empty commit (where no hook runs) and resetting it to its head.
        lakeFs.hardResetBranch(COPY, DEV, Failover.EMPTY.id().asRef(), false);

        new Failover(lakeFs).copy(MIRROR, COPY);

        assertThat(heads(COPY)).isEqualTo(heads(MIRROR)).doesNotContainValue(Failover.EMPTY.id());
        assertThat(lakeFs.getCommit(COPY, Failover.EMPTY.id().asRef()).metaRangeId()).as("no tree, so no actions")
                .isEmpty();
    }

    @Test
    void copy_shouldRefuseAWritableSource_andLeaveEverythingAsItWas() {
        lakeFs.createRepository(SOURCE);

        assertThatThrownBy(() -> new Failover(lakeFs).copy(SOURCE, COPY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is writable, so it is not a mirror");
        assertThat(lakeFs.listRepositories(PageRequest.largest()).results()).hasSize(1);
    }

    @Test
    void copy_shouldRefuseATargetThatIsNotACopy() {
        mirrorWithHistory();
        lakeFs.createRepository(RepositoryCreation.of(COPY, StorageNamespace.of("s3://bucket-eu/other")));

        assertThatThrownBy(() -> new Failover(lakeFs).copy(MIRROR, COPY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("choose another name");
    }

    @Test
    void plan_shouldCountWithoutWriting() {
        mirrorWithHistory();

        Failover.Result plan = new Failover(lakeFs).plan(MIRROR, COPY);

        assertThat(plan.branches()).containsOnlyKeys(MAIN, DEV);
        assertThat(plan.commits()).isEqualTo(log(MIRROR, MAIN).size());
        assertThat(lakeFs.listRepositories(PageRequest.largest()).results()).extracting(r -> r.id())
                .doesNotContain(COPY);
    }

    /** A source with a merge, mirrored the way the promoter does it: records parents first, then branches. */
    private void mirrorWithHistory() {
        lakeFs.createRepository(SOURCE);
        lakeFs.commit(SOURCE, MAIN, "load day 1");
        lakeFs.createBranch(SOURCE, DEV, MAIN.asRef(), false);
        lakeFs.commit(SOURCE, DEV, "clean");
        lakeFs.commit(SOURCE, MAIN, "load day 2");
        lakeFs.merge(SOURCE, DEV.asRef(), MAIN, "merge dev");
        lakeFs.createRepository(RepositoryCreation.mirror(MIRROR, NAMESPACE, MAIN));
        List<CommitRecord> all = log(SOURCE, MAIN);
        MissingCommits.parentsFirst(all.stream().collect(Collectors.toMap(CommitRecord::id, c -> c)))
                .forEach(c -> lakeFs.createCommitRecord(MIRROR, c, true));
        heads(SOURCE).forEach((branch, head) -> lakeFs.createBranch(MIRROR, branch, head.asRef(), true));
    }

    private Map<BranchId, CommitId> heads(RepositoryId repository) {
        return lakeFs.listBranches(repository, PageRequest.largest(), true).results().stream()
                .collect(Collectors.toMap(Branch::id, Branch::commitId));
    }

    private List<CommitRecord> log(RepositoryId repository, BranchId branch) {
        return lakeFs.logCommits(repository, branch.asRef(), LogRequest.first(1000)).results();
    }
}
