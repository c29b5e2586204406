package io.lakemirror.testserver.model;

import static io.lakemirror.testserver.model.History.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommitLogTest {
    /**
     * <pre>
     *   r(1) - b(2) - d(4) - m(5)      m = merge of d (main parent) and s
     *             \- s(3) -/
     * </pre>
     */
    private final History h = new History()
            .commit("a1", 1)
            .commit("b2", 2, "a1")
            .commit("c3", 3, "b2")
            .commit("d4", 4, "b2")
            .commit("e5", 5, "d4", "c3");

    private List<CommitId> ids(CommitLog.Result r) {
        return r.commits().stream().map(CommitRecord::id).toList();
    }

    private CommitLog.Result log(CommitLog.Query q) {
        return CommitLog.page(h.repo, q);
    }

    private static CommitLog.Query from(String start, int amount) {
        return new CommitLog.Query(id(start), Optional.empty(), amount, Optional.empty(), false, false, Optional.empty());
    }

    @Test
    void page_shouldWalkEveryParentNewestFirst() {
        assertThat(ids(log(from("e5", 100)))).containsExactly(id("e5"), id("d4"), id("c3"), id("b2"), id("a1"));
    }

    @Test
    void page_shouldFollowOnlyMainParents_whenFirstParent() {
        CommitLog.Query q = new CommitLog.Query(id("e5"), Optional.empty(), 100, Optional.empty(), true, false,
                Optional.empty());

        assertThat(ids(log(q))).containsExactly(id("e5"), id("d4"), id("b2"), id("a1"));
    }

    @Test
    void page_shouldOrderByIdDescending_whenCreationDatesTie() {
        History same = new History().commit("a1", 1).commit("b", 7, "a1").commit("f", 7, "a1").commit("c", 9, "b", "f");

        CommitLog.Result r = CommitLog.page(same.repo, new CommitLog.Query(id("c"), Optional.empty(), 100,
                Optional.empty(), false, false, Optional.empty()));

        assertThat(ids(r)).containsExactly(id("c"), id("f"), id("b"), id("a1"));
    }

    @Test
    void page_shouldContinueAfterTheLastCommitOfThePreviousPage() {
        CommitLog.Result first = log(from("e5", 2));
        CommitLog.Result second = log(new CommitLog.Query(id("e5"), Optional.of(id("d4")), 2, Optional.empty(), false,
                false, Optional.empty()));
        CommitLog.Result third = log(new CommitLog.Query(id("e5"), Optional.of(id("b2")), 2, Optional.empty(), false,
                false, Optional.empty()));

        assertThat(ids(first)).containsExactly(id("e5"), id("d4"));
        assertThat(first.hasMore()).isTrue();
        assertThat(ids(second)).containsExactly(id("c3"), id("b2"));
        assertThat(second.hasMore()).isTrue();
        assertThat(ids(third)).containsExactly(id("a1"));
        assertThat(third.hasMore()).isFalse();
    }

    @Test
    void page_shouldReportNoMore_whenTheLastPageIsExactlyFull() {
        CommitLog.Result r = log(from("b2", 2));

        assertThat(ids(r)).containsExactly(id("b2"), id("a1"));
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void page_shouldEndWithTheStopCommit_inclusive() {
        CommitLog.Query q = new CommitLog.Query(id("e5"), Optional.empty(), 100, Optional.of(id("c3")), false, false,
                Optional.empty());

        CommitLog.Result r = log(q);

        assertThat(ids(r)).containsExactly(id("e5"), id("d4"), id("c3"));
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void page_shouldNeverReportMore_whenLimited() {
        CommitLog.Query q = new CommitLog.Query(id("e5"), Optional.empty(), 2, Optional.empty(), false, true,
                Optional.empty());

        CommitLog.Result r = log(q);

        assertThat(ids(r)).hasSize(2);
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void page_shouldStopAtTheFirstOlderCommit_whenSinceIsGiven() {
        CommitLog.Query q = new CommitLog.Query(id("e5"), Optional.empty(), 100, Optional.empty(), false, false,
                Optional.of(Instant.ofEpochSecond(3)));

        assertThat(ids(log(q))).containsExactly(id("e5"), id("d4"), id("c3"));
    }

    @Test
    void page_shouldFailNotFound_whenAParentIsMissing() {
        History broken = new History().commit("a1", 1);
        broken.repo.commits().put(id("b2"), new CommitRecord(id("b2"), List.of(id("ff")), "t", "m", Optional.empty(),
                Instant.ofEpochSecond(2), Map.of(), 2, 1));

        assertThatThrownBy(() -> CommitLog.page(broken.repo, new CommitLog.Query(id("b2"), Optional.empty(), 100,
                Optional.empty(), false, false, Optional.empty())))
                .isInstanceOfSatisfying(LakeFsError.class, e -> assertThat(e.kind()).isEqualTo(LakeFsError.Kind.NOT_FOUND));
    }

    @Test
    void mergeBase_shouldBeTheNewestCommonAncestor() {
        assertThat(CommitLog.mergeBase(h.repo, id("d4"), id("c3"))).contains(id("b2"));
        assertThat(CommitLog.mergeBase(h.repo, id("e5"), id("c3"))).contains(id("c3"));
        assertThat(CommitLog.mergeBase(h.repo, id("a1"), id("e5"))).contains(id("a1"));
    }
}
