package io.lakemirror.lakefs.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.domain.TagId;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.RepositoryCreation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The fake's lakeFS semantics that other modules' unit tests rely on: log order, pagination, refs, force. */
class FakeLakeFsTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final RepositoryId REPO = RepositoryId.of("source-repo");
    private static final BranchId MAIN = BranchId.of("main");

    private final FakeLakeFs lakeFs = new FakeLakeFs(Clock.fixed(T0, ZoneOffset.UTC));

    private CommitRecord commitAt(BranchId branch, String message, int secondsAfterT0) {
        return lakeFs.commit(REPO, branch, CommitSpec.message(message).date(T0.plusSeconds(secondsAfterT0)));
    }

    private List<CommitRecord> fullLog(Ref ref, LogRequest first) {
        List<CommitRecord> all = new ArrayList<>();
        Page<CommitRecord> page = lakeFs.logCommits(REPO, ref, first);
        all.addAll(page.results());
        while (page.hasMore()) {
            page = lakeFs.logCommits(REPO, ref, first.next(page));
            all.addAll(page.results());
        }
        return all;
    }

    @Test
    void commit_shouldComputeTheLakeFsCommitId_whenCommittingOnABranch() {
        lakeFs.createRepository(REPO);

        CommitRecord c = lakeFs.commit(REPO, MAIN, "add data", Map.of("k", "v"));

        assertThat(CommitIds.of(c)).isEqualTo(c.id());
        assertThat(c.committer()).isEqualTo("admin");
        assertThat(c.generation()).isEqualTo(2);
        assertThat(lakeFs.head(REPO, MAIN)).isEqualTo(c.id());
    }

    @Test
    void createRepository_shouldMakeTheLakeFsInitialCommit_whenNotBare() {
        lakeFs.createRepository(REPO);

        CommitRecord initial = lakeFs.getCommit(REPO, MAIN.asRef());

        assertThat(initial.message()).isEqualTo("Repository created");
        assertThat(initial.committer()).isEmpty();
        assertThat(initial.metaRangeId()).isEmpty();
        assertThat(initial.parents()).isEmpty();
        assertThat(initial.generation()).isEqualTo(1);
        assertThat(CommitIds.of(initial)).isEqualTo(initial.id());
    }

    @Test
    void createRepository_shouldHaveNoBranch_whenBare() {
        lakeFs.createRepository(RepositoryCreation.mirror(REPO, StorageNamespace.of("s3://bucket/m"), MAIN));

        assertThat(lakeFs.listBranches(REPO, PageRequest.largest(), true).results()).isEmpty();
        assertThat(lakeFs.getRepository(REPO).readOnly()).isTrue();
    }

    @Test
    void logCommits_shouldListNewestFirstThenByIdDescending_whenDatesTieOrRunBackwards() {
        lakeFs.createRepository(REPO);
        CommitRecord a = commitAt(MAIN, "a", 10);
        CommitRecord b = commitAt(MAIN, "b", 10);
        // clock skew: the start of the walk comes first even when it is older than its parents
        CommitRecord c = commitAt(MAIN, "c", 5);

        List<CommitRecord> log = fullLog(MAIN.asRef(), LogRequest.first(100));

        assertThat(log.get(0)).isEqualTo(c);
        assertThat(log.subList(0, 3)).containsExactly(c, b, a);
        assertThat(log).hasSize(4);
    }

    @Test
    void logCommits_shouldVisitEveryParentOnceInDateOrder_whenHistoryMerges() {
        lakeFs.createRepository(REPO);
        CommitRecord base = commitAt(MAIN, "base", 1);
        lakeFs.createBranch(REPO, BranchId.of("feature"), MAIN.asRef(), false);
        CommitRecord f1 = commitAt(BranchId.of("feature"), "f1", 2);
        CommitRecord m1 = commitAt(MAIN, "m1", 3);
        CommitRecord f2 = commitAt(BranchId.of("feature"), "f2", 4);
        CommitRecord merge = lakeFs.merge(REPO, BranchId.of("feature").asRef(), MAIN,
                CommitSpec.message("merge").date(T0.plusSeconds(5)));

        List<CommitRecord> log = fullLog(MAIN.asRef(), LogRequest.first(100));

        assertThat(merge.parents()).containsExactly(m1.id(), f2.id());
        assertThat(log.subList(0, 5)).containsExactly(merge, f2, m1, f1, base);
        assertThat(log).doesNotHaveDuplicates().hasSize(6);
        assertThat(fullLog(MAIN.asRef(), LogRequest.first(100).firstParent(true)))
                .extracting(CommitRecord::message).containsExactly("merge", "m1", "base", "Repository created");
    }

    @Test
    void logCommits_shouldPageWithAfterAndAmount_whenTheLogIsLong() {
        lakeFs.createRepository(REPO);
        IntStream.range(0, 25).forEach(i -> commitAt(MAIN, "c" + i, i));

        Page<CommitRecord> first = lakeFs.logCommits(REPO, MAIN.asRef(), LogRequest.first(10));
        List<CommitRecord> paged = fullLog(MAIN.asRef(), LogRequest.first(10));

        assertThat(first.hasMore()).isTrue();
        assertThat(first.nextOffset()).isEqualTo(first.results().get(9).id().value());
        assertThat(paged).isEqualTo(fullLog(MAIN.asRef(), LogRequest.first(1000))).hasSize(26);
        assertThat(lakeFs.logCommits(REPO, MAIN.asRef(), LogRequest.first(10).limit(true)).hasMore()).isFalse();
    }

    @Test
    void logCommits_shouldEndAtStopAtIncluded_whenStopAtIsGiven() {
        lakeFs.createRepository(REPO);
        CommitRecord c1 = commitAt(MAIN, "c1", 1);
        commitAt(MAIN, "c2", 2);
        commitAt(MAIN, "c3", 3);

        Page<CommitRecord> page = lakeFs.logCommits(REPO, MAIN.asRef(), LogRequest.first(100).stopAt(c1.id().asRef()));

        assertThat(page.results()).extracting(CommitRecord::message).containsExactly("c3", "c2", "c1");
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void logCommits_shouldFailNotFound_whenAParentIsMissing() {
        lakeFs.createRepository(RepositoryCreation.mirror(REPO, StorageNamespace.of("s3://bucket/m"), MAIN));
        CommitRecord orphan = new CommitRecord(CommitId.of("0".repeat(64)), List.of(CommitId.of("1".repeat(64))),
                "x", "orphan", Optional.empty(), T0, Map.of(), 2, 1);
        CommitRecord stored = withRealId(orphan);
        lakeFs.createCommitRecord(REPO, stored, true);

        assertThatThrownBy(() -> lakeFs.logCommits(REPO, stored.id().asRef(), LogRequest.first(10)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("parent of " + stored.id());
    }

    private static CommitRecord withRealId(CommitRecord c) {
        return new CommitRecord(CommitIds.of(c), c.parents(), c.committer(), c.message(), c.metaRangeId(),
                c.creationDate(), c.metadata(), c.generation(), c.version());
    }

    @Test
    void createCommitRecord_shouldEnforceIdReadOnlyAndUniqueness_whenCopyingCommits() {
        lakeFs.createRepository(RepositoryId.of("other-repo"));
        CommitRecord source = lakeFs.commit(RepositoryId.of("other-repo"), MAIN, "data");
        lakeFs.createRepository(RepositoryCreation.mirror(REPO, StorageNamespace.of("s3://bucket/m"), MAIN));
        CommitRecord forged = new CommitRecord(source.id(), source.parents(), source.committer(), "tampered",
                source.metaRangeId(), source.creationDate(), source.metadata(), source.generation(), source.version());

        assertThatThrownBy(() -> lakeFs.createCommitRecord(REPO, source, false))
                .isInstanceOf(ReadOnlyRepositoryException.class).hasMessageContaining("read-only repository");
        assertThatThrownBy(() -> lakeFs.createCommitRecord(REPO, forged, true)).isInstanceOf(InvalidInputException.class);
        lakeFs.createCommitRecord(REPO, source, true);
        assertThatThrownBy(() -> lakeFs.createCommitRecord(REPO, source, true)).isInstanceOf(AlreadyExistsException.class);
        assertThat(lakeFs.createBranch(REPO, MAIN, source.id().asRef(), true)).isEqualTo(source.id());
    }

    @Test
    void listBranches_shouldPageInNameOrderWithoutHiddenOnes_unlessShowHidden() {
        lakeFs.createRepository(REPO);
        IntStream.range(0, 5).forEach(i -> lakeFs.createBranch(REPO, BranchId.of("b" + i), MAIN.asRef(), false));
        lakeFs.createHiddenBranch(REPO, BranchId.of("a-hidden"), MAIN.asRef());

        Page<Branch> first = lakeFs.listBranches(REPO, PageRequest.first(2), false);
        Page<Branch> second = lakeFs.listBranches(REPO, PageRequest.first(2).next(first), false);
        List<Branch> all = Page.all(after -> lakeFs.listBranches(REPO, PageRequest.first(2).after(after), false)).toList();

        assertThat(first.results()).extracting(b -> b.id().value()).containsExactly("b0", "b1");
        assertThat(first.nextOffset()).isEqualTo("b1");
        assertThat(second.results()).extracting(b -> b.id().value()).containsExactly("b2", "b3");
        assertThat(all).extracting(b -> b.id().value()).containsExactly("b0", "b1", "b2", "b3", "b4", "main");
        assertThat(lakeFs.listBranches(REPO, PageRequest.largest(), true).results())
                .extracting(b -> b.id().value()).startsWith("a-hidden");
    }

    @Test
    void getCommit_shouldResolveBranchesTagsPrefixesAndModifiers() {
        lakeFs.createRepository(REPO);
        CommitRecord base = commitAt(MAIN, "base", 1);
        lakeFs.createBranch(REPO, BranchId.of("feature"), MAIN.asRef(), false);
        CommitRecord f = commitAt(BranchId.of("feature"), "f", 2);
        CommitRecord m = commitAt(MAIN, "m", 3);
        CommitRecord merge = lakeFs.merge(REPO, BranchId.of("feature").asRef(), MAIN, "merge");
        lakeFs.createTag(REPO, TagId.of("v1.0"), MAIN.asRef(), false);

        assertThat(lakeFs.getCommit(REPO, Ref.of("v1.0"))).isEqualTo(merge);
        assertThat(lakeFs.getCommit(REPO, Ref.of(merge.id().value().substring(0, 8)))).isEqualTo(merge);
        assertThat(lakeFs.getCommit(REPO, Ref.of("main~1"))).isEqualTo(m);
        assertThat(lakeFs.getCommit(REPO, Ref.of("main^2"))).isEqualTo(f);
        assertThat(lakeFs.getCommit(REPO, Ref.of("main~2"))).isEqualTo(base);
        assertThatThrownBy(() -> lakeFs.getCommit(REPO, Ref.of("nope"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void writes_shouldNeedForce_whenTheRepositoryIsReadOnly() {
        lakeFs.createRepository(RepositoryCreation.mirror(REPO, StorageNamespace.of("s3://bucket/m"), MAIN));
        lakeFs.createRepository(RepositoryId.of("other-repo"));
        CommitRecord c = lakeFs.commit(RepositoryId.of("other-repo"), MAIN, "data");
        lakeFs.createCommitRecord(REPO, c, true);
        lakeFs.createBranch(REPO, BranchId.of("dev"), c.id().asRef(), true);

        assertThatThrownBy(() -> lakeFs.hardResetBranch(REPO, BranchId.of("dev"), c.id().asRef(), false))
                .isInstanceOf(ReadOnlyRepositoryException.class);
        assertThatThrownBy(() -> lakeFs.deleteBranch(REPO, BranchId.of("dev"), false))
                .isInstanceOf(ReadOnlyRepositoryException.class);
        assertThatThrownBy(() -> lakeFs.deleteRepository(REPO, false)).isInstanceOf(ReadOnlyRepositoryException.class);
        lakeFs.deleteBranch(REPO, BranchId.of("dev"), true);
        lakeFs.deleteRepository(REPO, true);
        assertThatThrownBy(() -> lakeFs.getRepository(REPO)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void deleteBranch_shouldRefuse_whenTheBranchIsTheDefault() {
        lakeFs.createRepository(REPO);

        assertThatThrownBy(() -> lakeFs.deleteBranch(REPO, MAIN, true)).isInstanceOf(AuthorizationException.class);
    }

    @Test
    void calls_shouldBeCountedPerOperationAndRepository_andHelpersNot() {
        lakeFs.createRepository(REPO);
        lakeFs.commit(REPO, MAIN, "c");
        lakeFs.resetCallCounts();

        lakeFs.listBranches(REPO, PageRequest.largest(), false);
        lakeFs.getCommit(REPO, MAIN.asRef());
        lakeFs.getCommit(REPO, MAIN.asRef());

        assertThat(lakeFs.calls(LakeFsOperation.LIST_BRANCHES, REPO)).isEqualTo(1);
        assertThat(lakeFs.calls(LakeFsOperation.GET_COMMIT)).isEqualTo(2);
        assertThat(lakeFs.calls(LakeFsOperation.LOG_COMMITS)).isZero();
        assertThat(lakeFs.totalCalls()).isEqualTo(3);
    }

    @Test
    void fail_shouldRaiseTheInjectedFailure_forTheChosenRepositoryAndTimes() {
        lakeFs.createRepository(REPO);
        lakeFs.createRepository(RepositoryId.of("other-repo"));
        FakeLakeFs.InjectedFailure failure = lakeFs.fail(LakeFsOperation.LIST_BRANCHES, Optional.of(REPO), 2,
                FakeLakeFs.serverError("listBranches"));

        assertThatThrownBy(() -> lakeFs.listBranches(REPO, PageRequest.largest(), false))
                .isInstanceOf(RetryableException.class);
        assertThat(lakeFs.listBranches(RepositoryId.of("other-repo"), PageRequest.largest(), false).results()).hasSize(1);
        assertThatThrownBy(() -> lakeFs.listBranches(REPO, PageRequest.largest(), false))
                .isInstanceOf(RetryableException.class);
        assertThat(lakeFs.listBranches(REPO, PageRequest.largest(), false).results()).hasSize(1);
        assertThat(failure.raised()).isEqualTo(2);
    }

    @Test
    void effectivePolicies_shouldBeNotImplemented_likeOssLakeFs() {
        assertThat(lakeFs.currentUser()).isPresent();
        assertThatThrownBy(() -> lakeFs.effectivePolicies(lakeFs.currentUser().get().id(), PageRequest.largest()))
                .isInstanceOf(NotImplementedException.class);
    }
}
