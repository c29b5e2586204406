package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static io.lakemirror.sensor.SensorWorld.MIRROR;
import static io.lakemirror.sensor.SensorWorld.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.SensorBranchState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sequences the sensor announces for each kind of source change. */
class CommitSensorSequencesTest {
    private static final BranchId DEV = BranchId.of("dev");
    private static final BranchId FEATURE = BranchId.of("feature");

    private final SensorWorld world = SensorWorld.withMirror();

    @AfterEach
    void close() {
        world.close();
    }

    private static List<CommitId> ids(List<CommitRecord> commits) {
        return commits.stream().map(CommitRecord::id).toList();
    }

    private static List<CommitId> sentCommits(List<CommitsDetected> messages) {
        List<CommitId> out = new ArrayList<>();
        messages.forEach(m -> out.addAll(ids(m.commits())));
        return out;
    }

    /** Every commit comes after its parents, counting everything sent before it. */
    private static void assertParentsFirst(List<CommitsDetected> messages, Set<CommitId> sentBefore) {
        Set<CommitId> seen = new HashSet<>(sentBefore);
        for (CommitsDetected m : messages) {
            for (CommitRecord c : m.commits()) {
                assertThat(seen).as("parents of %s sent before it", c.id()).containsAll(c.parents());
                seen.add(c.id());
            }
        }
    }

    @Test
    void runOnce_shouldSendTheWholeHistoryThenOnlyNewCommits_whenHistoryIsLinear() throws Exception {
        CommitRecord initial = world.lakeFs.getCommit(REPO, MAIN.asRef());
        CommitRecord c1 = world.commit(MAIN, "c1");
        CommitRecord c2 = world.commit(MAIN, "c2");
        CommitSensor sensor = world.sensor();

        sensor.runOnce();
        CommitRecord c3 = world.commit(MAIN, "c3");
        CommitRecord c4 = world.commit(MAIN, "c4");
        CycleReport second = sensor.runOnce();
        CycleReport third = sensor.runOnce();

        List<CommitsDetected> messages = world.messages(MAIN);
        assertThat(messages).hasSize(2);
        CommitsDetected first = messages.get(0);
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.lastBatch()).isTrue();
        assertThat(first.head()).contains(c2.id());
        assertThat(first.commits()).containsExactly(initial, c1, c2);
        assertThat(first.headCommit()).as("the head travels among the commits").isEmpty();
        assertThat(first.headRecord()).contains(c2);
        assertThat(first.groupId()).isEqualTo("m1/main");
        assertThat(first.organizationId()).isEqualTo(SensorWorld.ORG);
        assertThat(first.destinationRegion()).isEqualTo(SensorWorld.DESTINATION);
        assertThat(messages.get(1).sequence()).isEqualTo(2);
        assertThat(messages.get(1).commits()).containsExactly(c3, c4);
        assertThat(messages.get(1).commitsSent()).isEqualTo(5);
        assertThat(world.state(MAIN)).isEqualTo(new SensorBranchState(MIRROR, MAIN, 2, Optional.of(c4.id()),
                messages.get(1).sensedAt(), true, 5, List.of(new SensorBranchState.Sensed(1, first.sensedAt()))));
        assertThat(second.commitsSent()).isEqualTo(2);
        assertThat(third.branchesChanged()).isZero();
        assertThat(world.queue.attempts().get(0)).extracting(OutgoingMessage::deduplicationId)
                .containsExactly("m1/main/1/0");
    }

    @Test
    void runOnce_shouldRememberWhenUnpromotedSequencesWereSensed_soLagCountsFromTheOldest() throws Exception {
        CommitSensor sensor = world.sensor();
        List<java.time.Instant> sensed = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            world.commit(MAIN, "c" + i);
            world.clock.advance(java.time.Duration.ofSeconds(10));
            sensor.runOnce();
            sensed.add(world.state(MAIN).sensedAt());
        }
        SensorBranchState stuck = world.state(MAIN);
        // The destination promotes sequence 2; the next sequence keeps only what is still unpromoted.
        promoteUpTo(2);
        world.commit(MAIN, "c5");
        sensor.runOnce();
        SensorBranchState fifth = world.state(MAIN);
        promoteUpTo(5);
        world.commit(MAIN, "c6");
        sensor.runOnce();

        assertThat(stuck.sequence()).isEqualTo(4);
        assertThat(stuck.unpromoted()).extracting(SensorBranchState.Sensed::sequence).containsExactly(1L, 2L, 3L);
        assertThat(stuck.sensedAtOrBefore(1)).as("lag of the oldest unpromoted sequence").contains(sensed.get(0));
        assertThat(fifth.unpromoted()).extracting(SensorBranchState.Sensed::sequence).containsExactly(3L, 4L);
        assertThat(fifth.sensedAtOrBefore(3)).contains(sensed.get(2));
        assertThat(world.state(MAIN).unpromoted()).as("everything before it promoted").isEmpty();
    }

    private void promoteUpTo(long sequence) {
        world.store.recordValidated(MIRROR, MAIN, new io.lakemirror.store.BranchState.Validated(sequence,
                world.state(MAIN).head(), SensorWorld.T0, SensorWorld.T0, sequence));
        world.store.claimPromotion(MIRROR, MAIN, new io.lakemirror.store.BranchState.PromotionLease(sequence, "p",
                world.clock.instant().plusSeconds(60)), Optional.empty());
        world.store.recordPromoted(MIRROR, MAIN, new io.lakemirror.store.BranchState.Promoted(sequence,
                world.state(MAIN).head(), world.clock.instant(), sequence), "p");
    }

    @Test
    void runOnce_shouldSendSecondParentAncestryOnceParentsFirst_whenAFeatureIsMerged() throws Exception {
        CommitSensor sensor = world.sensor();
        world.commit(MAIN, "base");
        sensor.runOnce();
        Set<CommitId> sentBefore = new HashSet<>(sentCommits(world.messages()));
        world.lakeFs.createBranch(REPO, FEATURE, MAIN.asRef(), false);
        CommitRecord f1 = world.commit(FEATURE, "f1");
        CommitRecord m1 = world.commit(MAIN, "m1");
        CommitRecord f2 = world.commit(FEATURE, "f2");
        CommitRecord merge = world.merge(FEATURE, MAIN, "merge feature");
        world.lakeFs.removeBranch(REPO, FEATURE);

        sensor.runOnce();

        CommitsDetected announced = world.messages(MAIN).get(1);
        assertThat(ids(announced.commits())).containsExactlyInAnyOrder(f1.id(), m1.id(), f2.id(), merge.id());
        assertThat(announced.commits().get(3)).isEqualTo(merge);
        assertThat(ids(announced.commits())).containsSubsequence(f1.id(), f2.id());
        assertParentsFirst(List.of(announced), sentBefore);
    }

    @Test
    void runOnce_shouldSendEveryCommitOnce_whenTwoBranchesShareNewHistoryInOneCycle() throws Exception {
        CommitSensor sensor = world.sensor(world.settings("sensor-a").withConcurrencyLimit(1));
        world.lakeFs.createBranch(REPO, FEATURE, MAIN.asRef(), false);
        world.commit(FEATURE, "f1");
        world.commit(FEATURE, "f2");
        world.commit(MAIN, "m1");
        world.merge(FEATURE, MAIN, "merge feature");
        world.commit(FEATURE, "f3");

        sensor.runOnce();

        List<CommitId> sent = sentCommits(world.messages());
        assertThat(sent).doesNotHaveDuplicates();
        assertThat(new HashSet<>(sent)).isEqualTo(world.lakeFs.commitIds(REPO));
        assertParentsFirst(world.messages(), Set.of());
    }

    @Test
    void runOnce_shouldResendNoCommitAndCarryTheHeadRecord_whenABranchIsCreatedAtAnExistingCommit() throws Exception {
        CommitRecord c1 = world.commit(MAIN, "c1");
        CommitSensor sensor = world.sensor();
        sensor.runOnce();
        world.lakeFs.createBranch(REPO, DEV, MAIN.asRef(), false);
        world.lakeFs.resetCallCounts();

        sensor.runOnce();

        CommitsDetected created = world.messages(DEV).get(0);
        assertThat(created.sequence()).isEqualTo(1);
        assertThat(created.head()).contains(c1.id());
        assertThat(created.commits()).isEmpty();
        assertThat(created.headCommit()).contains(c1);
        assertThat(created.lastBatch()).isTrue();
        assertThat(world.lakeFs.calls(LakeFsOperation.LOG_COMMITS)).isZero();
        assertThat(world.lakeFs.calls(LakeFsOperation.GET_COMMIT)).isEqualTo(1);
    }

    @Test
    void runOnce_shouldAnnounceADeletionThenANewHead_whenASourceBranchIsDeletedAndRecreated() throws Exception {
        world.lakeFs.createBranch(REPO, DEV, MAIN.asRef(), false);
        CommitRecord d1 = world.commit(DEV, "d1");
        CommitSensor sensor = world.sensor();
        sensor.runOnce();

        world.lakeFs.deleteBranch(REPO, DEV, false);
        sensor.runOnce();
        sensor.runOnce();
        world.lakeFs.createBranch(REPO, DEV, d1.id().asRef(), false);
        sensor.runOnce();

        List<CommitsDetected> dev = world.messages(DEV);
        assertThat(dev).extracting(CommitsDetected::sequence).containsExactly(1L, 2L, 3L);
        CommitsDetected deletion = dev.get(1);
        assertThat(deletion.isDeletion()).isTrue();
        assertThat(deletion.commits()).isEmpty();
        assertThat(deletion.headCommit()).isEmpty();
        assertThat(deletion.lastBatch()).isTrue();
        assertThat(dev.get(2).head()).contains(d1.id());
        assertThat(dev.get(2).commits()).isEmpty();
        assertThat(dev.get(2).headCommit()).contains(d1);
        assertThat(world.state(DEV).sequence()).isEqualTo(3);
    }

    @Test
    void runOnce_shouldAnnounceAResetWithANewSequence_whenABranchIsResetToAnOlderCommit() throws Exception {
        CommitRecord c1 = world.commit(MAIN, "c1");
        world.commit(MAIN, "c2");
        CommitSensor sensor = world.sensor();
        sensor.runOnce();

        world.lakeFs.hardResetBranch(REPO, MAIN, c1.id().asRef(), false);
        sensor.runOnce();
        CommitRecord c3 = world.commit(MAIN, "c3");
        sensor.runOnce();

        List<CommitsDetected> main = world.messages(MAIN);
        assertThat(main).extracting(CommitsDetected::sequence).containsExactly(1L, 2L, 3L);
        CommitsDetected reset = main.get(1);
        assertThat(reset.head()).contains(c1.id());
        assertThat(reset.commits()).isEmpty();
        assertThat(reset.headCommit()).contains(c1);
        assertThat(main.get(2).commits()).containsExactly(c3);
    }

    @Test
    void runOnce_shouldIgnoreHiddenBranches_unlessConfiguredToIncludeThem() throws Exception {
        world.lakeFs.createHiddenBranch(REPO, BranchId.of("hidden-import"), MAIN.asRef());

        CommitSensor excluding = world.sensor();
        excluding.runOnce();
        assertThat(world.messages(BranchId.of("hidden-import"))).isEmpty();
        excluding.close();

        world.sensor(world.settings("sensor-b").withIncludeHiddenBranches(true)).runOnce();
        assertThat(world.messages(BranchId.of("hidden-import"))).hasSize(1);
    }

    @Test
    void runOnce_shouldScanOnlyActiveMirrorsWhoseSourceIsThisRegion() throws Exception {
        MirrorId creating = MirrorId.of("m-creating");
        MirrorId deleting = MirrorId.of("m-deleting");
        MirrorId elsewhere = MirrorId.of("m-elsewhere");
        world.store.createMirror(spec(creating, SensorWorld.SOURCE));
        world.activeMirror(deleting, REPO);
        world.store.requestDeletion(deleting, SensorWorld.T0);
        world.store.createMirror(spec(elsewhere, Region.of("ap-south-1")));
        world.store.putStatus(new MirrorStatus(elsewhere, MirrorState.ACTIVE, "", SensorWorld.T0), Set.of(), true);

        CycleReport report = world.sensor().runOnce();

        assertThat(report.mirrorsScanned()).isEqualTo(1);
        assertThat(world.messages()).allMatch(m -> m.mirrorId().equals(MIRROR));
        assertThat(world.store.getMirror(creating).orElseThrow().source()).isEmpty();
        assertThat(world.store.getMirror(deleting).orElseThrow().source()).isEmpty();
        assertThat(world.store.getMirror(elsewhere).orElseThrow().source()).isEmpty();
    }

    private static MirrorSpec spec(MirrorId id, Region source) {
        return new MirrorSpec(id, RepositoryId.of("mirror-" + id), REPO, source, SensorWorld.DESTINATION,
                StorageNamespace.of("s3://bucket-eu/" + id), MAIN, SensorWorld.T0, "admin", Optional.empty());
    }
}
