package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static io.lakemirror.sensor.SensorWorld.MIRROR;
import static io.lakemirror.sensor.SensorWorld.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The wanted-set walk over the source log and the parents-first order. */
class CommitCollectorTest {
    private final SensorWorld world = SensorWorld.withMirror();

    private CommitCollector collector(int pageSize) {
        return new CommitCollector(world.lakeFs, world.database, pageSize);
    }

    private CommitCollector.Collected collect(int pageSize, CommitId head) {
        return collector(pageSize).collect(MIRROR, REPO, head, new ConcurrentHashMap<>());
    }

    private void markSent(List<CommitRecord> commits) {
        world.store.recordSentCommits(MIRROR, commits.stream().map(CommitRecord::id).toList());
    }

    @Test
    void collect_shouldReadOnePageAndOneSmallLookup_whenOneCommitIsNewOnSentHistory() {
        List<CommitRecord> history = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            history.add(world.commit(MAIN, "c" + i));
        }
        markSent(history);
        CommitRecord added = world.commit(MAIN, "new");
        world.lakeFs.resetCallCounts();
        int lookups = world.database.sentLookups.get();

        CommitCollector.Collected collected = collect(1000, added.id());

        assertThat(collected.commits()).containsExactly(added);
        assertThat(collected.headIsNew()).isTrue();
        assertThat(collected.logPages()).isEqualTo(1);
        assertThat(world.lakeFs.calls(LakeFsOperation.LOG_COMMITS)).isEqualTo(1);
        assertThat(world.database.sentLookups.get() - lookups).isEqualTo(2);
    }

    @Test
    void collect_shouldWalkEveryPage_whenNothingWasSentYet() {
        for (int i = 0; i < 25; i++) {
            world.commit(MAIN, "c" + i);
        }
        CommitId head = world.lakeFs.head(REPO, MAIN);

        CommitCollector.Collected collected = collect(10, head);

        assertThat(collected.commits()).hasSize(26);
        assertThat(collected.logPages()).isEqualTo(3);
        assertThat(collected.commits().get(25).id()).isEqualTo(head);
        assertThat(collected.commits().get(0).parents()).isEmpty();
    }

    @Test
    void collect_shouldOnlyCountALongHistory_andStreamItAgain_newestFirst_withoutHoldingIt() {
        for (int i = 0; i < 40; i++) {
            world.commit(MAIN, "c" + i);
        }
        CommitId head = world.lakeFs.head(REPO, MAIN);
        CommitCollector limited = new CommitCollector(world.lakeFs, world.database, 10, 5);

        CommitCollector.Collected counted = limited.collect(MIRROR, REPO, head, new ConcurrentHashMap<>());
        List<CommitRecord> streamed = new ArrayList<>();
        long count = limited.stream(MIRROR, REPO, head, streamed::add);
        List<List<CommitId>> idPages = new ArrayList<>();
        limited.streamIds(MIRROR, REPO, head, idPages::add);

        assertThat(counted.streamed()).isTrue();
        assertThat(counted.commits()).as("nothing held").isEmpty();
        assertThat(counted.count()).isEqualTo(41);
        assertThat(counted.head().id()).isEqualTo(head);
        assertThat(counted.headIsNew()).isTrue();
        assertThat(count).isEqualTo(41);
        assertThat(streamed.get(0).id()).as("the log's order: the head first").isEqualTo(head);
        assertThat(streamed.get(40).parents()).isEmpty();
        assertThat(idPages).hasSize(5);
        assertThat(idPages.stream().mapToInt(List::size).sum()).isEqualTo(41);
    }

    @Test
    void fingerprints_shouldTellListedCommitsApart_evenWithSharedPrefixes() {
        CommitCollector.Fingerprints listed = new CommitCollector.Fingerprints();
        for (int n = 0; n < 5_000; n++) {
            listed.add(io.lakemirror.store.StoreFixtures.commitId(n));
        }

        assertThat(listed.size()).isEqualTo(5_000);
        assertThat(listed.contains(io.lakemirror.store.StoreFixtures.commitId(4_999))).isTrue();
        assertThat(listed.contains(io.lakemirror.store.StoreFixtures.commitId(5_000))).isFalse();
        assertThat(listed.contains(CommitId.of("f".repeat(64)))).isFalse();
    }

    @Test
    void collect_shouldNotReadTheLog_whenTheHeadWasSent() {
        CommitRecord c1 = world.commit(MAIN, "c1");
        markSent(List.of(c1));
        world.lakeFs.resetCallCounts();
        Map<CommitId, CommitRecord> known = new ConcurrentHashMap<>();

        CommitCollector.Collected first = collector(1000).collect(MIRROR, REPO, c1.id(), known);
        CommitCollector.Collected second = collector(1000).collect(MIRROR, REPO, c1.id(), known);

        assertThat(first.commits()).isEmpty();
        assertThat(first.head()).isEqualTo(c1);
        assertThat(second.head()).isEqualTo(c1);
        assertThat(world.lakeFs.calls(LakeFsOperation.LOG_COMMITS)).isZero();
        assertThat(world.lakeFs.calls(LakeFsOperation.GET_COMMIT)).as("cached for the scan").isEqualTo(1);
    }

    @Test
    void collect_shouldCollectSecondParentAncestryOnce_andStopAtSentCommitsOnBothSides() {
        CommitRecord base = world.commit(MAIN, "base");
        markSent(List.of(world.lakeFs.commitRecord(REPO, base.parents().get(0)), base));
        world.lakeFs.createBranch(REPO, BranchId.of("feature"), MAIN.asRef(), false);
        CommitRecord f1 = world.commit(BranchId.of("feature"), "f1");
        CommitRecord m1 = world.commit(MAIN, "m1");
        CommitRecord f2 = world.commit(BranchId.of("feature"), "f2");
        CommitRecord merge = world.merge(BranchId.of("feature"), MAIN, "merge");

        CommitCollector.Collected collected = collect(1000, merge.id());

        assertThat(collected.commits()).containsExactlyInAnyOrder(f1, f2, m1, merge).doesNotContain(base);
        assertThat(collected.commits()).containsSubsequence(f1, f2, merge).containsSubsequence(m1, merge);
    }

    @Test
    void collect_shouldOrderParentsFirst_whenClockSkewDatesChildrenBeforeTheirParents() {
        CommitRecord c1 = world.commit(MAIN, CommitSpec.message("c1").date(SensorWorld.T0.plus(Duration.ofHours(1))));
        CommitRecord c2 = world.commit(MAIN, CommitSpec.message("c2").date(SensorWorld.T0.minus(Duration.ofHours(1))));
        world.lakeFs.createBranch(REPO, BranchId.of("side"), c1.id().asRef(), false);
        CommitRecord s1 = world.commit(BranchId.of("side"), CommitSpec.message("s1").date(SensorWorld.T0.minus(Duration.ofHours(2))));
        CommitRecord merge = world.merge(BranchId.of("side"), MAIN, "merge");

        CommitCollector.Collected collected = collect(1000, merge.id());

        List<CommitId> order = collected.commits().stream().map(CommitRecord::id).toList();
        for (CommitRecord c : collected.commits()) {
            for (CommitId parent : c.parents()) {
                assertThat(order.indexOf(parent)).as("parent of %s", c.message()).isLessThan(order.indexOf(c.id()));
            }
        }
        assertThat(order).containsSubsequence(c1.id(), c2.id(), merge.id()).containsSubsequence(c1.id(), s1.id());
    }

    @Test
    void collect_shouldStillReturnTheHeadRecord_whenAnotherBranchRecordsTheHeadAsSentDuringTheWalk() {
        CommitRecord c1 = world.commit(MAIN, "c1");
        int first = world.database.sentLookups.get() + 1;
        world.database.onFindSent((lookup, commits) -> {
            if (lookup == first + 1) {
                world.store.recordSentCommits(MIRROR, List.of(c1.id()));
            }
        });

        CommitCollector.Collected collected = collect(1000, c1.id());

        assertThat(collected.head()).isEqualTo(c1);
        assertThat(collected.commits()).isEmpty();
    }

    @Test
    void parentsFirst_shouldKeepTheGivenOrder_whenItIsAlreadyTopological() {
        Map<CommitId, CommitRecord> newestFirst = new LinkedHashMap<>();
        List<CommitRecord> chain = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chain.add(world.commit(MAIN, "c" + i));
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            newestFirst.put(chain.get(i).id(), chain.get(i));
        }

        assertThat(CommitCollector.parentsFirst(newestFirst)).isEqualTo(chain);
        assertThat(CommitCollector.parentsFirst(new HashMap<>())).isEmpty();
    }
}
