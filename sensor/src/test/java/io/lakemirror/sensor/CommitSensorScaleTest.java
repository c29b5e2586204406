package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static io.lakemirror.sensor.SensorWorld.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.messages.CommitsDetected;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many branches, large sequences and commits too large for a message. */
class CommitSensorScaleTest {
    private final SensorWorld world = SensorWorld.withMirror();

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void runOnce_shouldCostOneListingPassAndNoLogCall_whenTenThousandBranchesAreUnchanged() throws Exception {
        CommitId head = world.commit(MAIN, "c1").id();
        IntStream.range(0, 9_999).forEach(i -> world.lakeFs.setBranch(REPO, BranchId.of(String.format("b%05d", i)), head));
        CommitSensor sensor = world.sensor();
        CycleReport first = sensor.runOnce();
        world.lakeFs.resetCallCounts();
        int lookupsBefore = world.database.sentLookups.get();

        CycleReport second = sensor.runOnce();

        assertThat(first.sequences()).isEqualTo(10_000);
        assertThat(second.branchesListed()).isEqualTo(10_000);
        assertThat(second.branchesChanged()).isZero();
        assertThat(world.lakeFs.calls(LakeFsOperation.LIST_BRANCHES)).isEqualTo(10);
        assertThat(world.lakeFs.calls(LakeFsOperation.LOG_COMMITS)).isZero();
        assertThat(world.lakeFs.totalCalls()).isEqualTo(10);
        assertThat(world.database.sentLookups.get()).isEqualTo(lookupsBefore);
    }

    @Test
    void runOnce_shouldStreamAFirstSyncTooLongToHold_sendingEveryCommitOnceAndRecordingThemSent() throws Exception {
        List<CommitRecord> history = new ArrayList<>();
        history.add(world.lakeFs.getCommit(REPO, MAIN.asRef()));
        for (int i = 0; i < 120; i++) {
            history.add(world.commit(MAIN, CommitSpec.message("c" + i).metadata(Map.of("payload", "p".repeat(3000)))));
        }
        CommitSensor sensor = new CommitSensor(world.settings("sensor-a").withMaxMessageBytes(64 * 1024),
                world.lakeFs, world.database, world.queue, world.clock, world.meters, 50);

        CycleReport first = sensor.runOnce();
        CommitRecord next = world.commit(MAIN, "after the first sync");
        sensor.runOnce();
        sensor.close();

        List<CommitsDetected> batches = world.messages(MAIN);
        List<CommitsDetected> firstSync = batches.stream().filter(m -> m.sequence() == 1).toList();
        assertThat(firstSync.size()).isGreaterThan(4);
        assertThat(firstSync).extracting(CommitsDetected::batch)
                .containsExactlyElementsOf(IntStream.range(0, firstSync.size()).boxed().toList());
        assertThat(firstSync).filteredOn(CommitsDetected::lastBatch).hasSize(1);
        CommitsDetected last = firstSync.get(firstSync.size() - 1);
        assertThat(last.lastBatch()).isTrue();
        assertThat(last.headRecord()).as("the head travels with the last batch").contains(history.get(120));
        assertThat(last.commitsSent()).isEqualTo(121);
        assertThat(firstSync.stream().flatMap(m -> m.commits().stream()).map(CommitRecord::id))
                .containsExactlyInAnyOrderElementsOf(history.stream().map(CommitRecord::id).toList());
        assertThat(firstSync).allSatisfy(m -> assertThat(world.bodies().get(batches.indexOf(m))
                .getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64 * 1024));
        assertThat(world.store.findSentCommits(SensorWorld.MIRROR, history.stream().map(CommitRecord::id).toList()))
                .hasSize(121);
        assertThat(world.state(MAIN).sent()).isTrue();
        assertThat(first.commitsSent()).isEqualTo(121);
        assertThat(batches.stream().filter(m -> m.sequence() == 2).flatMap(m -> m.commits().stream()))
                .as("then only what is new").containsExactly(next);
    }

    @Test
    void runOnce_shouldSplitASequenceIntoBatchesUnder256KiBKeepingParentsFirst_whenItIsLarge() throws Exception {
        List<CommitRecord> history = new ArrayList<>();
        history.add(world.lakeFs.getCommit(REPO, MAIN.asRef()));
        for (int i = 0; i < 300; i++) {
            history.add(world.commit(MAIN, CommitSpec.message("c" + i).metadata(Map.of("payload", "p".repeat(4000)))));
        }

        world.sensor().runOnce();

        List<CommitsDetected> batches = world.messages(MAIN);
        assertThat(batches.size()).isGreaterThan(4);
        assertThat(world.bodies()).allSatisfy(body -> assertThat(body.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(SensorSettings.DEFAULT_MAX_MESSAGE_BYTES));
        assertThat(batches).extracting(CommitsDetected::batch)
                .containsExactlyElementsOf(IntStream.range(0, batches.size()).boxed().toList());
        assertThat(batches).extracting(CommitsDetected::lastBatch).containsOnlyOnce(true).last().isEqualTo(true);
        assertThat(batches).allMatch(b -> b.sequence() == 1 && b.head().equals(batches.get(0).head()));
        List<CommitRecord> sent = batches.stream().flatMap(b -> b.commits().stream()).toList();
        assertThat(sent).isEqualTo(history);
        assertThat(world.queue.attempts().get(0)).extracting(m -> m.deduplicationId()).doesNotHaveDuplicates();
    }

    @Test
    void runOnce_shouldSendACommitByClaimCheck_whenItCannotFitInAMessageOnItsOwn() throws Exception {
        CommitRecord c1 = world.commit(MAIN, "c1");
        CommitRecord huge = world.commit(MAIN, CommitSpec.message("huge").metadata(Map.of("payload", "h".repeat(300 * 1024))));
        CommitRecord c3 = world.commit(MAIN, "c3");

        CycleReport report = world.sensor().runOnce();

        List<CommitsDetected> batches = world.messages(MAIN);
        assertThat(batches).hasSize(1);
        CommitsDetected only = batches.get(0);
        assertThat(only.claimChecked()).containsExactly(huge.id());
        assertThat(only.commits()).extracting(CommitRecord::id).containsSubsequence(c1.id(), c3.id())
                .doesNotContain(huge.id());
        assertThat(report.claimChecked()).isEqualTo(1);
        assertThat(world.counter("lakemirror.sensor.commits.claim_checked")).isEqualTo(1);
        assertThat(world.store.findSentCommits(SensorWorld.MIRROR, List.of(huge.id()))).containsExactly(huge.id());
    }

    @Test
    void runOnce_shouldClaimCheckTheHead_whenAnOversizedHeadWasSentBeforeOnAnotherBranch() throws Exception {
        CommitRecord huge = world.commit(MAIN, CommitSpec.message("huge").metadata(Map.of("payload", "h".repeat(300 * 1024))));
        CommitSensor sensor = world.sensor();
        sensor.runOnce();
        world.lakeFs.createBranch(REPO, BranchId.of("dev"), MAIN.asRef(), false);

        sensor.runOnce();

        CommitsDetected dev = world.messages(BranchId.of("dev")).get(0);
        assertThat(dev.headCommit()).isEmpty();
        assertThat(dev.commits()).isEmpty();
        assertThat(dev.claimChecked()).containsExactly(huge.id());
    }
}
