package io.lakemirror.validator;

import static io.lakemirror.validator.ValidatorFixture.MAIN;
import static io.lakemirror.validator.ValidatorFixture.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.StoreFixtures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecheckPassTest {
    private final ValidatorFixture f = new ValidatorFixture();
    private final Validator validator = f.validator();

    @AfterEach
    void close() {
        validator.close();
    }

    /** A sequence whose message was handed over while {@code held} range was missing. */
    private WrittenMetaRange handedOver(long sequence, int heldRange) {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v" + sequence);
        String held = mr.ranges().get(heldRange).id().value();
        TestMetaRanges.upload(f.blocks, f.ns, mr, held::equals);
        CommitRecord head = f.commit(mr.id());
        f.sensed(sequence, Optional.of(head.id()));
        Outcome outcome = validator.handle(received(f.headMessage(sequence, head), 4));
        assertThat(outcome.reason()).contains("re-check pass takes over");
        return mr;
    }

    @Test
    void run_shouldValidateWaitingBranch_whenItsFilesHaveArrived() {
        WrittenMetaRange mr = handedOver(1, 1);
        TestMetaRanges.uploadRange(f.blocks, f.ns, mr.ranges().get(1));

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary).isEqualTo(new RecheckPass.Summary(1, 1, 1, 0, 0, 0));
        BranchState.Validated v = f.branch().validated().orElseThrow();
        assertThat(v.sequence()).isEqualTo(1);
        assertThat(v.sensedAt()).isEqualTo(StoreFixtures.T0);
        assertThat(v.commitsSent()).isEqualTo(1);
        assertThat(f.branch().waiting()).isEmpty();
        assertThat(f.counter("sequences.validated", "path", "recheck")).isEqualTo(1);
    }

    @Test
    void run_shouldUpdateWaitingKeysAndCount_whenFilesAreStillMissing() {
        handedOver(1, 2);
        int checksBefore = f.branch().waiting().orElseThrow().checks();
        f.blocks.clearRequests();

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.stillWaiting()).isEqualTo(1);
        assertThat(f.branch().waiting().orElseThrow().checks()).isEqualTo(checksBefore + 1);
        // Ranges found on the first check are skipped: metarange HEAD + read, and the one missing range.
        assertThat(f.blocks.requests()).hasSize(3);
    }

    @Test
    void run_shouldLeaveWaitingSequenceToNewerMessage_whenSensorAnnouncedANewerOne() {
        WrittenMetaRange mr = handedOver(1, 0);
        f.sensedNow(2, Optional.of(f.commit(mr.id()).id()));
        TestMetaRanges.uploadRange(f.blocks, f.ns, mr.ranges().get(0));

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.skipped()).isEqualTo(1);
        assertThat(f.branch().validated()).isEmpty();
    }

    @Test
    void run_shouldAdmitADeletionFromTheSensorState_whenItsMessageNeverArrived() {
        // Regression of the fault run (seed 3422782215): a branch waited at sequence 8 while the
        // deletion at sequence 9 had been redriven to the dead-letter queue after lost receives.
        handedOver(1, 0);
        f.sensed(2, Optional.empty());
        f.clock.set(StoreFixtures.T0.plus(RecheckPass.LOST_MESSAGE_GRACE).plusSeconds(1));

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.validated()).isEqualTo(1);
        BranchState.Validated v = f.branch().validated().orElseThrow();
        assertThat(v.sequence()).isEqualTo(2);
        assertThat(v.head()).isEmpty();
    }

    @Test
    void run_shouldLeaveARecentDeletionToItsMessage() {
        handedOver(1, 0);
        f.sensed(2, Optional.empty());
        f.clock.set(StoreFixtures.T0.plus(RecheckPass.LOST_MESSAGE_GRACE).minusSeconds(1));

        validator.recheckNow();

        assertThat(f.branch().validated()).isEmpty();
    }

    @Test
    void run_shouldAdmitALostHeadMessageOfAQuietBranch_fromTheSensorState_withinTheGracePlusOnePass() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "quiet");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        CommitRecord head = f.commit(mr.id());
        f.sourceCommits.put(head.id(), head);
        f.sensed(1, Optional.of(head.id()));
        // No message for sequence 1 ever reaches the validator, and the source stays quiet.
        f.clock.set(StoreFixtures.T0.plus(RecheckPass.LOST_MESSAGE_GRACE).minusSeconds(1));
        RecheckPass.Summary early = validator.recheckNow();
        assertThat(early.validated()).isZero();
        assertThat(f.branch().validated()).isEmpty();

        f.clock.set(StoreFixtures.T0.plus(RecheckPass.LOST_MESSAGE_GRACE).plusSeconds(1));
        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.validated()).isEqualTo(1);
        BranchState.Validated v = f.branch().validated().orElseThrow();
        assertThat(v.sequence()).isEqualTo(1);
        assertThat(v.head()).contains(head.id());
        assertThat(v.sensedAt()).isEqualTo(StoreFixtures.T0);
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(head.id())).get(head.id()).commit()).isEqualTo(head);
        assertThat(f.counter("sequences.repaired", "kind", "head")).isEqualTo(1);
    }

    @Test
    void run_shouldLetALostHeadWait_whenItsFilesHaveNotArrived_andAdmitItWhenTheyDo() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "late");
        String held = mr.ranges().get(1).id().value();
        TestMetaRanges.upload(f.blocks, f.ns, mr, held::equals);
        CommitRecord head = f.commit(mr.id());
        f.sourceCommits.put(head.id(), head);
        f.sensed(1, Optional.of(head.id()));

        RecheckPass.Summary first = validator.recheckNow();
        TestMetaRanges.uploadRange(f.blocks, f.ns, mr.ranges().get(1));
        RecheckPass.Summary second = validator.recheckNow();

        assertThat(first.stillWaiting()).isEqualTo(1);
        assertThat(second.validated()).isEqualTo(1);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
    }

    @Test
    void run_shouldNotAdmitALostHead_whoseSourceRecordDoesNotHashToItsId() {
        WrittenMetaRange mr = TestMetaRanges.write(1, j -> "bad");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        CommitRecord head = f.commit(mr.id());
        f.sourceCommits.put(head.id(), new CommitRecord(head.id(), head.parents(), head.committer(), "altered",
                head.metaRangeId(), head.creationDate(), head.metadata(), head.generation(), head.version()));
        f.sensed(1, Optional.of(head.id()));

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.failed()).isEqualTo(1);
        assertThat(f.branch().validated()).isEmpty();
        assertThat(f.branch().validatorError().orElseThrow().message()).contains("hash to");
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(head.id()))).isEmpty();
    }

    @Test
    void run_shouldSkipBranchesWithNothingWaitingAndMirrorsOfOtherRegions() {
        MirrorSpec elsewhere = new MirrorSpec(MirrorId.of("m2"), RepositoryId.of("other-mirror"),
                RepositoryId.of("source-repo"), StoreFixtures.SOURCE, Region.of("ap-south-1"), f.spec.storageNamespace(),
                BranchId.of("main"), StoreFixtures.T0, "admin", Optional.empty());
        f.mirrors.createMirror(elsewhere);
        f.mirrors.recordWaiting(elsewhere.id(), MAIN, StoreFixtures.waiting(1, 1, List.of("x")));
        f.mirrors.recordValidated(f.spec.id(), MAIN, StoreFixtures.validated(1, 1));

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary).isEqualTo(new RecheckPass.Summary(1, 0, 0, 0, 0, 0));
        assertThat(f.blocks.requests()).isEmpty();
    }

    @Test
    void run_shouldRecordErrorNamingTheKeyAndGoOn_whenAFileIsCorrupt() {
        WrittenMetaRange mr = handedOver(1, 0);
        byte[] bad = mr.bytes().clone();
        bad[20] ^= 0x08;
        f.blocks.put(f.ns.bucket(), f.ns.metadataKey(mr.id()), bad);

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.failed()).isEqualTo(1);
        assertThat(f.branch().validatorError().orElseThrow().message()).contains(f.ns.metadataKey(mr.id()))
                .contains("corrupt");
        assertThat(f.branch().waiting()).isPresent();
    }

    @Test
    void run_shouldPageThroughAllMirrors() {
        for (int i = 2; i <= 5; i++) {
            f.mirrors.createMirror(StoreFixtures.spec("m" + i, "mirror-" + i));
        }

        RecheckPass.Summary summary = validator.recheckNow();

        assertThat(summary.mirrors()).isEqualTo(5);
    }
}
