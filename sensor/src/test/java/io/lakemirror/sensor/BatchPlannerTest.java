package io.lakemirror.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.store.MirrorSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Splitting sequences into messages under the size limit. */
class BatchPlannerTest {
    private static final int LIMIT = 8 * 1024;
    private static final MirrorSpec MIRROR = new MirrorSpec(MirrorId.of("m1"), RepositoryId.of("mirror-repo"),
            RepositoryId.of("source-repo"), SensorWorld.SOURCE, SensorWorld.DESTINATION,
            StorageNamespace.of("s3://bucket-eu/m1"), BranchId.of("main"), SensorWorld.T0, "admin", Optional.empty());

    private final BatchPlanner planner = new BatchPlanner(LIMIT);

    /** A linear history of commits, each with {@code payload} bytes of metadata. */
    private static List<CommitRecord> chain(int length, int payload) {
        List<CommitRecord> out = new ArrayList<>();
        List<CommitId> parents = List.of();
        for (int i = 0; i < length; i++) {
            CommitRecord draft = new CommitRecord(CommitId.of("0".repeat(64)), parents, "alice", "c" + i,
                    Optional.of(MetaRangeId.of(String.format("%064x", i))), SensorWorld.T0.plusSeconds(i),
                    Map.of("payload", "x".repeat(payload)), i + 1, 1);
            CommitRecord c = new CommitRecord(CommitIds.of(draft), parents, draft.committer(), draft.message(),
                    draft.metaRangeId(), draft.creationDate(), draft.metadata(), draft.generation(), 1);
            out.add(c);
            parents = List.of(c.id());
        }
        return out;
    }

    private static BatchPlanner.Sequence sequence(Optional<CommitId> head) {
        return new BatchPlanner.Sequence(SensorWorld.ORG, MIRROR, BranchId.of("main"), 7, head,
                Instant.parse("2026-11-25T10:00:00.123Z"), 42);
    }

    private static List<CommitsDetected> messages(List<BatchPlanner.Planned> planned) {
        return planned.stream().map(BatchPlanner.Planned::message).toList();
    }

    @ParameterizedTest(name = "{0} commits of {1} bytes")
    @CsvSource({"1, 10", "10, 10", "10, 1000", "30, 2500", "3, 7000", "100, 100"})
    void plan_shouldKeepEveryMessageUnderTheLimitAndTheCommitsInOrder(int commits, int payload) {
        List<CommitRecord> history = chain(commits, payload);
        CommitRecord head = history.get(history.size() - 1);

        List<BatchPlanner.Planned> planned = planner.plan(sequence(Optional.of(head.id())), history, head);

        assertThat(planned).allSatisfy(p -> {
            assertThat(p.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LIMIT);
            assertThat(CommitsDetectedCodec.decode(p.body())).isEqualTo(p.message());
        });
        List<CommitsDetected> batches = messages(planned);
        assertThat(batches.stream().flatMap(b -> b.commits().stream()).toList()).isEqualTo(history);
        assertThat(batches).extracting(CommitsDetected::lastBatch).last().isEqualTo(true);
        assertThat(batches.subList(0, batches.size() - 1)).noneMatch(CommitsDetected::lastBatch);
        assertThat(batches).allMatch(b -> b.headCommit().isEmpty() && b.claimChecked().isEmpty());
    }

    @Test
    void plan_shouldGiveTheSameBatchesAndDeduplicationIds_whenPlannedTwice() {
        List<CommitRecord> history = chain(30, 2500);
        CommitRecord head = history.get(29);

        List<BatchPlanner.Planned> first = planner.plan(sequence(Optional.of(head.id())), history, head);
        List<BatchPlanner.Planned> second = planner.plan(sequence(Optional.of(head.id())), history, head);

        assertThat(second).isEqualTo(first);
        assertThat(messages(first)).extracting(CommitsDetected::deduplicationId)
                .startsWith("m1/main/7/0", "m1/main/7/1").doesNotHaveDuplicates();
    }

    @Test
    void plan_shouldCarryTheHeadRecordOnTheLastBatch_whenTheHeadWasSentBefore() {
        List<CommitRecord> history = chain(3, 10);

        List<CommitsDetected> batches = messages(planner.plan(sequence(Optional.of(history.get(2).id())), List.of(),
                history.get(2)));

        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).commits()).isEmpty();
        assertThat(batches.get(0).headCommit()).contains(history.get(2));
        assertThat(batches.get(0).lastBatch()).isTrue();
    }

    @Test
    void plan_shouldOpenAFinalBatchForTheHeadRecord_whenTheLastBatchIsFull() {
        List<CommitRecord> history = chain(4, 3000);
        CommitRecord unrelatedHead = chain(1, 3001).get(0);
        List<CommitRecord> newCommits = history.subList(0, 2);

        List<CommitsDetected> batches = messages(planner.plan(sequence(Optional.of(unrelatedHead.id())), newCommits,
                unrelatedHead));

        assertThat(batches).hasSize(2);
        assertThat(batches.get(1).commits()).isEmpty();
        assertThat(batches.get(1).headCommit()).contains(unrelatedHead);
    }

    @Test
    void plan_shouldClaimCheckACommitInItsPlace_whenItCannotFitAlone() {
        List<CommitRecord> small = chain(1, 10);
        CommitRecord huge = chain(1, 2 * LIMIT).get(0);
        List<CommitRecord> commits = List.of(small.get(0), huge);

        List<CommitsDetected> batches = messages(planner.plan(sequence(Optional.of(huge.id())), commits, huge));

        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).commits()).containsExactly(small.get(0));
        assertThat(batches.get(0).claimChecked()).containsExactly(huge.id());
        assertThat(batches.get(0).headCommit()).isEmpty();
    }

    @Test
    void deletion_shouldBeOneLastBatchWithoutHeadOrCommits() {
        List<CommitsDetected> batches = messages(planner.deletion(sequence(Optional.empty())));

        assertThat(batches).singleElement().satisfies(m -> {
            assertThat(m.isDeletion()).isTrue();
            assertThat(m.lastBatch()).isTrue();
            assertThat(m.commits()).isEmpty();
            assertThat(m.batch()).isZero();
            assertThat(m.commitsSent()).isEqualTo(42);
        });
        assertThatThrownBy(() -> planner.deletion(sequence(Optional.of(chain(1, 1).get(0).id()))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
