package io.lakemirror.store;

import static io.lakemirror.store.StoreFixtures.DESTINATION;
import static io.lakemirror.store.StoreFixtures.SOURCE;
import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.commitId;
import static io.lakemirror.store.StoreFixtures.promoted;
import static io.lakemirror.store.StoreFixtures.spec;
import static io.lakemirror.store.StoreFixtures.validated;
import static io.lakemirror.store.StoreFixtures.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StaleWriteException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MirrorsDatabase} must have. Run against the in-memory fake and against
 * each real adapter; {@link #newDatabase()} must return an empty, isolated database each time.
 */
public abstract class MirrorsDatabaseContract {
    private static final BranchId MAIN = BranchId.of("main");
    protected MirrorsDatabase db;

    /** A database with no items, isolated from every other test (for example a fresh organization). */
    protected abstract MirrorsDatabase newDatabase();

    @BeforeEach
    void setUpDatabase() {
        db = newDatabase();
    }

    @Test
    void createMirror_shouldStoreTheSpec_withoutStatusYet() {
        MirrorSpec spec = spec("m1", "mirror-one");

        db.createMirror(spec);

        MirrorRecord record = db.getMirror(spec.id()).orElseThrow();
        assertThat(record.spec()).isEqualTo(spec);
        assertThat(record.status()).isEmpty();
        assertThat(record.state()).isEqualTo(MirrorState.CREATING);
        assertThat(db.findByName(DESTINATION, spec.name())).contains(spec.id());
    }

    @Test
    void createMirror_shouldRefuse_whenTheNameIsTakenInThatRegion() {
        db.createMirror(spec("m1", "mirror-one"));

        assertThatThrownBy(() -> db.createMirror(spec("m2", "mirror-one")))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("mirror-one");
        assertThat(db.getMirror(MirrorId.of("m2"))).isEmpty();
    }

    @Test
    void createMirror_shouldRefuse_whenTheMirrorExists() {
        db.createMirror(spec("m1", "mirror-one"));

        assertThatThrownBy(() -> db.createMirror(spec("m1", "mirror-one"))).isInstanceOf(AlreadyExistsException.class);
    }

    @Test
    void createMirror_shouldAllowTheSameName_inAnotherRegion() {
        db.createMirror(spec("m1", "mirror-one"));
        MirrorSpec other = spec("m2", "mirror-one");
        MirrorSpec elsewhere = new MirrorSpec(other.id(), other.name(), other.sourceRepository(), DESTINATION, SOURCE,
                other.storageNamespace(), other.defaultBranch(), other.createdAt(), other.createdBy(), Optional.empty());

        db.createMirror(elsewhere);

        assertThat(db.findByName(SOURCE, RepositoryId.of("mirror-one"))).contains(MirrorId.of("m2"));
    }

    @Test
    void getMirror_shouldBeEmpty_whenUnknown() {
        assertThat(db.getMirror(MirrorId.of("nope"))).isEmpty();
    }

    @Test
    void listMirrors_shouldPageThroughEveryMirrorInIdOrder() {
        int count = mirrorsForPagination();
        for (int i = 0; i < count; i++) {
            db.createMirror(spec(String.format("m%05d", i), String.format("mirror-%05d", i)));
        }

        List<String> seen = new ArrayList<>();
        Optional<String> after = Optional.empty();
        int pages = 0;
        do {
            StorePage<MirrorRecord> page = db.listMirrors(after, 1000);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(1000);
            page.items().forEach(r -> seen.add(r.spec().id().value()));
            after = page.nextAfter();
            pages++;
        } while (after.isPresent());

        assertThat(seen).hasSize(count).isSorted().doesNotHaveDuplicates();
        assertThat(pages).isBetween(3, 4);
    }

    /** How many mirrors the pagination test creates. */
    protected int mirrorsForPagination() {
        return 2_500;
    }

    @Test
    void listMirrors_shouldIncludeStatuses() {
        db.createMirror(spec("m1", "mirror-one"));
        db.putStatus(new MirrorStatus(MirrorId.of("m1"), MirrorState.ACTIVE, "", T0), Set.of(), true);
        db.acquireSourceLease(MirrorId.of("m1"), "sensor-a", T0.plusSeconds(30), T0);

        MirrorRecord record = db.listMirrors(Optional.empty(), 10).items().get(0);

        assertThat(record.state()).isEqualTo(MirrorState.ACTIVE);
        assertThat(record.source()).map(SourceStatus::leaseOwner).contains("sensor-a");
    }

    @Test
    void requestDeletion_shouldMarkTheSpec_andBeIdempotent() {
        db.createMirror(spec("m1", "mirror-one"));

        db.requestDeletion(MirrorId.of("m1"), T0.plusSeconds(5));
        db.requestDeletion(MirrorId.of("m1"), T0.plusSeconds(9));

        assertThat(db.getMirror(MirrorId.of("m1")).orElseThrow().spec().deleteRequestedAt()).contains(T0.plusSeconds(5));
    }

    @Test
    void requestDeletion_shouldRefuse_whenTheMirrorIsUnknown() {
        assertThatThrownBy(() -> db.requestDeletion(MirrorId.of("nope"), T0)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void getMirror_shouldReturnEveryFieldAsWritten() {
        MirrorId id = MirrorId.of("m1");
        MirrorSpec spec = spec("m1", "mirror-one");
        db.createMirror(spec);
        db.requestDeletion(id, T0.plusNanos(123_456_789));
        MirrorStatus status = new MirrorStatus(id, MirrorState.DELETING, "deletion requested by admin", T0.plusMillis(5));
        db.putStatus(status, Set.of(), true);
        db.acquireSourceLease(id, "sensor-a", T0.plusSeconds(30), T0);
        db.recordScan(id, "sensor-a", T0.plusSeconds(2), Optional.of("source repository not found"));

        MirrorRecord record = db.getMirror(id).orElseThrow();

        assertThat(record.spec()).isEqualTo(spec.withDeleteRequested(T0.plusNanos(123_456_789)));
        assertThat(record.status()).contains(status);
        assertThat(record.source()).contains(new SourceStatus(id, "sensor-a", T0.plusSeconds(30),
                Optional.of(T0.plusSeconds(2)), Optional.of("source repository not found")));
    }

    @Test
    void putStatus_shouldFollowAllowedTransitions_andRefuseOthers() {
        MirrorId id = MirrorId.of("m1");
        db.createMirror(spec("m1", "mirror-one"));
        db.putStatus(new MirrorStatus(id, MirrorState.CREATING, "", T0), Set.of(), true);
        db.putStatus(new MirrorStatus(id, MirrorState.ACTIVE, "", T0), EnumSet.of(MirrorState.CREATING), false);
        db.putStatus(new MirrorStatus(id, MirrorState.DELETING, "", T0), EnumSet.of(MirrorState.ACTIVE), false);

        assertThatThrownBy(() -> db.putStatus(new MirrorStatus(id, MirrorState.ACTIVE, "", T0),
                EnumSet.of(MirrorState.CREATING), true))
                .isInstanceOf(StaleWriteException.class);
        assertThat(db.getMirror(id).orElseThrow().state()).isEqualTo(MirrorState.DELETING);
    }

    @Test
    void deleteMirror_shouldRemoveEveryItem_andFreeTheName() {
        MirrorId id = MirrorId.of("m1");
        db.createMirror(spec("m1", "mirror-one"));
        db.putStatus(new MirrorStatus(id, MirrorState.ACTIVE, "", T0), Set.of(), true);
        db.putSensorBranchState(new SensorBranchState(id, MAIN, 1, Optional.of(commitId(1)), T0, true, 1), 0);
        db.recordSentCommits(id, List.of(commitId(1)));
        db.recordValidated(id, MAIN, validated(1, 1));

        db.deleteMirror(id);
        db.deleteMirror(id);

        assertThat(db.getMirror(id)).isEmpty();
        assertThat(db.findByName(DESTINATION, RepositoryId.of("mirror-one"))).isEmpty();
        assertThat(db.listSensorBranchStates(id)).isEmpty();
        assertThat(db.listBranchStates(id)).isEmpty();
        assertThat(db.findSentCommits(id, List.of(commitId(1)))).isEmpty();
        db.createMirror(spec("m2", "mirror-one"));
    }

    @Test
    void acquireSourceLease_shouldBeExclusiveUntilItLapses() {
        MirrorId id = MirrorId.of("m1");
        db.createMirror(spec("m1", "mirror-one"));

        assertThat(db.acquireSourceLease(id, "a", T0.plusSeconds(30), T0)).isTrue();
        assertThat(db.acquireSourceLease(id, "b", T0.plusSeconds(40), T0.plusSeconds(10))).isFalse();
        assertThat(db.acquireSourceLease(id, "a", T0.plusSeconds(60), T0.plusSeconds(20))).isTrue();
        assertThat(db.acquireSourceLease(id, "b", T0.plusSeconds(100), T0.plusSeconds(61))).isTrue();
        assertThatThrownBy(() -> db.recordScan(id, "a", T0.plusSeconds(62), Optional.empty()))
                .isInstanceOf(StaleWriteException.class);

        db.recordScan(id, "b", T0.plusSeconds(62), Optional.of("source repository not found"));
        assertThat(db.getMirror(id).orElseThrow().source().orElseThrow().lastError()).contains("source repository not found");
    }

    @Test
    void recordScan_shouldClearTheLastError_whenAScanSucceeds() {
        MirrorId id = MirrorId.of("m1");
        db.createMirror(spec("m1", "mirror-one"));
        db.acquireSourceLease(id, "a", T0.plusSeconds(30), T0);
        db.recordScan(id, "a", T0.plusSeconds(1), Optional.of("lakeFS answered 503"));

        db.recordScan(id, "a", T0.plusSeconds(2), Optional.empty());

        SourceStatus source = db.getMirror(id).orElseThrow().source().orElseThrow();
        assertThat(source.lastError()).isEmpty();
        assertThat(source.lastScanAt()).contains(T0.plusSeconds(2));
    }

    @Test
    void putSensorBranchState_shouldRequireTheExpectedSequence() {
        MirrorId id = MirrorId.of("m1");
        SensorBranchState first = new SensorBranchState(id, MAIN, 1, Optional.of(commitId(1)), T0, false, 1);
        db.putSensorBranchState(first, 0);
        db.putSensorBranchState(first, 0);
        SensorBranchState sent = new SensorBranchState(id, MAIN, 1, Optional.of(commitId(1)), T0, true, 1);
        db.putSensorBranchState(sent, 1);

        SensorBranchState rival = new SensorBranchState(id, MAIN, 2, Optional.of(commitId(3)), T0, false, 2);
        db.putSensorBranchState(new SensorBranchState(id, MAIN, 2, Optional.of(commitId(2)), T0, false, 2), 1);
        assertThatThrownBy(() -> db.putSensorBranchState(rival, 1)).isInstanceOf(StaleWriteException.class);

        assertThat(db.getSensorBranchState(id, MAIN).orElseThrow().head()).contains(commitId(2));
        assertThat(db.listSensorBranchStates(id)).hasSize(1);
    }

    @Test
    void sentCommits_shouldBeRememberedPerMirror() {
        MirrorId id = MirrorId.of("m1");
        List<CommitId> many = IntStream.range(0, 250).mapToObj(StoreFixtures::commitId).toList();

        db.recordSentCommits(id, many);

        assertThat(db.findSentCommits(id, List.of(commitId(3), commitId(999)))).containsExactly(commitId(3));
        assertThat(db.findSentCommits(id, many)).hasSize(250);
        assertThat(db.findSentCommits(MirrorId.of("other"), List.of(commitId(3)))).isEmpty();
    }

    @Test
    void recordValidated_shouldRefuseAStaleSequence() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(2, 20));

        assertThatThrownBy(() -> db.recordValidated(id, MAIN, validated(1, 10))).isInstanceOf(StaleWriteException.class);
        assertThatThrownBy(() -> db.recordValidated(id, MAIN, validated(2, 21))).isInstanceOf(StaleWriteException.class);
        assertThat(db.getBranchState(id, MAIN).orElseThrow().validated()).contains(validated(2, 20));
    }

    @Test
    void recordValidated_shouldClearTheWaitingEntryOfThatSequence_andTheValidatorError() {
        MirrorId id = MirrorId.of("m1");
        db.recordWaiting(id, MAIN, waiting(1, 10, List.of("_lakefs/abc")));
        db.recordValidatorError(id, MAIN, new BranchState.ErrorInfo("S3 timeout", T0));

        db.recordValidated(id, MAIN, validated(1, 10));

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.waiting()).isEmpty();
        assertThat(state.validatorError()).isEmpty();
        assertThat(state.needsPromotion()).isTrue();
    }

    @Test
    void recordValidated_shouldKeepTheWaitingEntryOfANewerSequence() {
        MirrorId id = MirrorId.of("m1");
        db.recordWaiting(id, MAIN, waiting(3, 30, List.of("_lakefs/newer")));

        db.recordValidated(id, MAIN, validated(2, 20));

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.validatedSequence()).isEqualTo(2);
        assertThat(state.waiting()).map(BranchState.Waiting::sequence).contains(3L);
    }

    @Test
    void recordWaiting_shouldRefuse_whenTheSequenceIsValidated() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(3, 30));

        assertThatThrownBy(() -> db.recordWaiting(id, MAIN, waiting(3, 30, List.of())))
                .isInstanceOf(StaleWriteException.class);
        db.recordWaiting(id, MAIN, waiting(4, 40, List.of("_lakefs/x")));
        assertThat(db.getBranchState(id, MAIN).orElseThrow().waiting().orElseThrow().missing()).containsExactly("_lakefs/x");
    }

    @Test
    void recordWaiting_shouldRefuse_whenANewerSequenceIsWaiting() {
        MirrorId id = MirrorId.of("m1");
        db.recordWaiting(id, MAIN, waiting(5, 50, List.of("_lakefs/newer")));

        assertThatThrownBy(() -> db.recordWaiting(id, MAIN, waiting(4, 40, List.of("_lakefs/older"))))
                .isInstanceOf(StaleWriteException.class);
        db.recordWaiting(id, MAIN, waiting(5, 50, List.of("_lakefs/still")));
        db.recordWaiting(id, MAIN, waiting(6, 60, List.of("_lakefs/newest")));

        BranchState.Waiting waiting = db.getBranchState(id, MAIN).orElseThrow().waiting().orElseThrow();
        assertThat(waiting.sequence()).isEqualTo(6);
        assertThat(waiting.missing()).containsExactly("_lakefs/newest");
    }

    @Test
    void putSensorBranchState_shouldKeepTheSensedTimesOfUnpromotedSequences() {
        MirrorId id = MirrorId.of("m1");
        List<SensorBranchState.Sensed> unpromoted = List.of(new SensorBranchState.Sensed(3, T0.plusMillis(1)),
                new SensorBranchState.Sensed(7, T0.plusSeconds(9)));
        SensorBranchState state = new SensorBranchState(id, MAIN, 8, Optional.of(commitId(8)), T0.plusSeconds(10),
                false, 8, unpromoted);

        db.putSensorBranchState(state, 0);
        db.putSensorBranchState(state, 0);

        assertThat(db.getSensorBranchState(id, MAIN)).contains(state);
        assertThat(db.listSensorBranchStates(id)).containsExactly(state);
    }

    @Test
    void createMirror_shouldKeepMirrorTags_whenSwitchedOff() {
        MirrorSpec spec = spec("m1", "mirror-one").withMirrorTags(false);

        db.createMirror(spec);

        assertThat(db.getMirror(spec.id()).orElseThrow().spec().mirrorTags()).isFalse();
        assertThat(db.getMirror(spec.id()).orElseThrow().spec()).isEqualTo(spec);
    }

    @Test
    void setMirrorTags_shouldSwitchTheSpec_andKeepEveryOtherField() {
        MirrorSpec spec = spec("m1", "mirror-one").withSourceIdentity(
                new MirrorSpec.SourceIdentity(T0.minusSeconds(60), "s3://bucket-us/repos/source-repo"));
        db.createMirror(spec);

        MirrorSpec off = db.setMirrorTags(spec.id(), false);
        MirrorSpec offAgain = db.setMirrorTags(spec.id(), false);

        assertThat(off).isEqualTo(spec.withMirrorTags(false)).isEqualTo(offAgain);
        assertThat(db.getMirror(spec.id()).orElseThrow().spec()).isEqualTo(spec.withMirrorTags(false));
        db.setMirrorTags(spec.id(), true);
        db.requestDeletion(spec.id(), T0);
        assertThat(db.getMirror(spec.id()).orElseThrow().spec()).isEqualTo(spec.withDeleteRequested(T0));
    }

    @Test
    void setMirrorTags_shouldRefuse_whenTheMirrorIsUnknown() {
        assertThatThrownBy(() -> db.setMirrorTags(MirrorId.of("nope"), false)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void putStatus_shouldKeepTheTagsWaiting() {
        MirrorId id = MirrorId.of("m1");
        db.createMirror(spec("m1", "mirror-one"));
        MirrorStatus status = new MirrorStatus(id, MirrorState.ACTIVE, "", T0.plusMillis(7), List.of(
                new MirrorStatus.TagWaiting(io.lakemirror.domain.TagId.of("v1.0"), commitId(1), 2,
                        List.of("repos/r/_lakefs/aaa", "repos/r/_lakefs/bbb")),
                new MirrorStatus.TagWaiting(io.lakemirror.domain.TagId.of("v2"), commitId(2), 1, List.of())));

        db.putStatus(status, Set.of(), true);

        assertThat(db.getMirror(id).orElseThrow().status()).contains(status);
        db.putStatus(status.withTagsWaiting(List.of()), EnumSet.of(MirrorState.ACTIVE), false);
        assertThat(db.getMirror(id).orElseThrow().status().orElseThrow().tagsWaiting()).isEmpty();
    }

    @Test
    void createMirror_shouldKeepTheSourceIdentity() {
        MirrorSpec spec = spec("m1", "mirror-one").withSourceIdentity(
                new MirrorSpec.SourceIdentity(T0.minusSeconds(3600), "s3://bucket-us/repos/source-repo"));

        db.createMirror(spec);
        db.requestDeletion(spec.id(), T0);

        MirrorSpec stored = db.getMirror(spec.id()).orElseThrow().spec();
        assertThat(stored).isEqualTo(spec.withDeleteRequested(T0));
        assertThat(stored.sourceIdentity()).contains(new MirrorSpec.SourceIdentity(T0.minusSeconds(3600),
                "s3://bucket-us/repos/source-repo"));
    }

    @Test
    void recordValidated_shouldLetExactlyOneOfTwoConcurrentWritersWin() throws Exception {
        MirrorId id = MirrorId.of("m1");
        for (int round = 1; round <= 20; round++) {
            long sequence = round;
            List<Boolean> outcomes = race(() -> db.recordValidated(id, MAIN, validated(sequence, 100 + (int) sequence)),
                    () -> db.recordValidated(id, MAIN, validated(sequence, 200 + (int) sequence)));
            assertThat(outcomes).as("round %d", round).containsExactlyInAnyOrder(true, false);
        }
        assertThat(db.getBranchState(id, MAIN).orElseThrow().validatedSequence()).isEqualTo(20);
    }

    @Test
    void claimPromotion_shouldBeExclusive_andOnlyForValidatedNewerSequences() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        var leaseA = new BranchState.PromotionLease(1, "a", T0.plusSeconds(30));
        var leaseB = new BranchState.PromotionLease(1, "b", T0.plusSeconds(40));

        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(2, "a", T0.plusSeconds(30)), Optional.empty())).isFalse();
        assertThat(db.claimPromotion(id, MAIN, leaseA, Optional.empty())).isTrue();
        assertThat(db.claimPromotion(id, MAIN, leaseB, Optional.empty())).isFalse();
        assertThatThrownBy(() -> db.recordPromoted(id, MAIN, promoted(1, 10), "b")).isInstanceOf(StaleWriteException.class);

        db.recordPromoted(id, MAIN, promoted(1, 10), "a");

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.promoted()).contains(promoted(1, 10));
        assertThat(state.promotion()).isEmpty();
        assertThat(state.needsPromotion()).isFalse();
        assertThat(db.claimPromotion(id, MAIN, leaseB, Optional.empty())).as("sequence 1 is promoted").isFalse();
    }

    @Test
    void claimPromotion_shouldPassToAnotherOwner_whenItNamesTheLeaseItWatchedLapse() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(30)), Optional.empty());
        Optional<BranchState.PromotionLease> watched = db.getBranchState(id, MAIN).orElseThrow().promotion();

        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "b", T0.plusSeconds(90)), watched))
                .isTrue();
        assertThatThrownBy(() -> db.recordPromoted(id, MAIN, promoted(1, 10), "a")).isInstanceOf(StaleWriteException.class);
    }

    @Test
    void claimPromotion_shouldRefuse_whenTheNamedLeaseWasRenewedMeanwhile() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(30)), Optional.empty());
        Optional<BranchState.PromotionLease> watched = db.getBranchState(id, MAIN).orElseThrow().promotion();
        // A renewal at the same end (a holder whose clock stands still) still changes the version.
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(30)), Optional.empty());

        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "b", T0.plusSeconds(90)), watched))
                .as("the holder renewed after b started watching").isFalse();
        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "b", T0.plusSeconds(90)),
                Optional.of(new BranchState.PromotionLease(1, "a", T0.plusSeconds(30), "another-version"))))
                .as("a lease that was never stored").isFalse();
        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion()).map(BranchState.PromotionLease::owner)
                .contains("a");
    }

    @Test
    void claimPromotion_shouldRefuse_whenTheNamedLeaseWasTakenByAThirdOwner_whateverTheClocksSay() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(30)), Optional.empty());
        Optional<BranchState.PromotionLease> watched = db.getBranchState(id, MAIN).orElseThrow().promotion();
        // c's clock is 20 s behind: its lease ends before a's did, which a clock comparison would call lapsed.
        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "c", T0.plusSeconds(10)), watched))
                .isTrue();

        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "b", T0.plusSeconds(90)), watched))
                .isFalse();
        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion()).map(BranchState.PromotionLease::owner)
                .contains("c");
    }

    @Test
    void claimPromotion_shouldKeepTheVersion_acrossReads() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        var lease = new BranchState.PromotionLease(1, "a", T0.plusSeconds(30));
        db.claimPromotion(id, MAIN, lease, Optional.empty());

        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion()).contains(lease);
        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion().orElseThrow().version())
                .isEqualTo(lease.version());
    }

    @Test
    void recordPromoterError_shouldReleaseTheLease_andKeepTheError() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(30)), Optional.empty());

        db.recordPromoterError(id, MAIN, new BranchState.ErrorInfo("lakeFS answered 503", T0), "a");

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.promotion()).isEmpty();
        assertThat(state.promoterError()).map(BranchState.ErrorInfo::message).contains("lakeFS answered 503");
        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "b", T0.plusSeconds(30)), Optional.empty())).isTrue();
    }

    @Test
    void recordPromoterError_shouldKeepTheLease_whenAnotherOwnerHoldsIt() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        var lease = new BranchState.PromotionLease(1, "b", T0.plusSeconds(30));
        db.claimPromotion(id, MAIN, lease, Optional.empty());

        db.recordPromoterError(id, MAIN, new BranchState.ErrorInfo("late failure of a", T0), "a");

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.promotion()).contains(lease);
        assertThat(state.promoterError()).map(BranchState.ErrorInfo::message).contains("late failure of a");
    }

    @Test
    void claimPromotion_shouldRenew_forTheOwnerHoldingTheLease() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(30)), Optional.empty());

        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "a", T0.plusSeconds(60)), Optional.empty()))
                .isTrue();
        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion())
                .map(BranchState.PromotionLease::until).contains(T0.plusSeconds(60));
    }

    @Test
    void claimRepair_shouldExcludePromoters_untilReleased() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "p", T0.plusSeconds(30)), Optional.empty());
        db.recordPromoted(id, MAIN, promoted(1, 10), "p");
        var repair = new BranchState.PromotionLease(1, "anti-entropy", T0.plusSeconds(30));

        assertThat(db.claimRepair(id, MAIN, repair, Optional.empty())).isTrue();
        db.recordValidated(id, MAIN, validated(2, 20));
        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(2, "p", T0.plusSeconds(30)), Optional.empty()))
                .as("the repair holds the branch").isFalse();
        db.releasePromotion(id, MAIN, "someone-else");
        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion()).contains(repair);

        db.releasePromotion(id, MAIN, "anti-entropy");

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.promotion()).isEmpty();
        assertThat(state.promoted()).contains(promoted(1, 10));
        assertThat(state.validatedSequence()).isEqualTo(2);
        assertThat(db.claimPromotion(id, MAIN, new BranchState.PromotionLease(2, "p", T0.plusSeconds(30)), Optional.empty()))
                .isTrue();
    }

    @Test
    void claimRepair_shouldRefuse_awayFromThePromotedSequence_orWhileAnotherHoldsTheLease() {
        MirrorId id = MirrorId.of("m1");
        var repair = new BranchState.PromotionLease(1, "anti-entropy", T0.plusSeconds(30));
        assertThat(db.claimRepair(id, MAIN, repair, Optional.empty())).as("nothing promoted").isFalse();
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "p", T0.plusSeconds(30)), Optional.empty());
        db.recordPromoted(id, MAIN, promoted(1, 10), "p");
        db.recordValidated(id, MAIN, validated(2, 20));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(2, "p", T0.plusSeconds(30)), Optional.empty());

        assertThat(db.claimRepair(id, MAIN, repair, Optional.empty())).as("a promoter holds it").isFalse();
        assertThat(db.claimRepair(id, MAIN, new BranchState.PromotionLease(2, "anti-entropy", T0.plusSeconds(60)),
                Optional.empty())).as("sequence 2 is not promoted").isFalse();
        assertThat(db.claimRepair(id, MAIN, new BranchState.PromotionLease(1, "anti-entropy", T0.plusSeconds(60)),
                Optional.empty())).as("the promoter's lease is not named as lapsed").isFalse();
        assertThat(db.claimRepair(id, MAIN, new BranchState.PromotionLease(1, "anti-entropy", T0.plusSeconds(60)),
                db.getBranchState(id, MAIN).orElseThrow().promotion())).as("the promoter's lease lapsed").isTrue();
    }

    @Test
    void resetBranchState_shouldReplaceBothWritersAttributes_whenTheSequencesAreAsRead() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1_000_000_000_000L, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1_000_000_000_000L, "p", T0.plusSeconds(30)), Optional.empty());
        db.recordPromoted(id, MAIN, promoted(1_000_000_000_000L, 10), "p");
        db.recordValidatorError(id, MAIN, new BranchState.ErrorInfo("stale sequence 7", T0));
        BranchState read = db.getBranchState(id, MAIN).orElseThrow();
        BranchState replacement = new BranchState(id, MAIN, Optional.of(validated(6, 10)), Optional.of(waiting(7, 20, List.of())),
                Optional.empty(), Optional.of(promoted(6, 10)), Optional.empty(), Optional.empty());

        assertThat(db.resetBranchState(read, replacement, T0.plusSeconds(5))).isTrue();

        assertThat(db.getBranchState(id, MAIN)).contains(replacement);
        assertThat(db.resetBranchState(read, BranchState.empty(id, MAIN), T0.plusSeconds(6)))
                .as("planned on a state that is gone").isFalse();
        db.recordValidated(id, MAIN, validated(7, 20));
        assertThat(db.getBranchState(id, MAIN).orElseThrow().needsPromotion()).isTrue();
    }

    @Test
    void resetBranchState_shouldRefuse_whileALeaseIsHeld_andClearAnExpiredOne() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(5, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(5, "p", T0.plusSeconds(30)), Optional.empty());
        BranchState read = db.getBranchState(id, MAIN).orElseThrow();
        BranchState cleared = new BranchState(id, MAIN, read.validated(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(db.resetBranchState(read, cleared, T0.plusSeconds(29))).isFalse();
        assertThat(db.getBranchState(id, MAIN).orElseThrow().promotion()).isPresent();

        assertThat(db.resetBranchState(read, cleared, T0.plusSeconds(30))).isTrue();
        assertThat(db.getBranchState(id, MAIN)).contains(cleared);
    }

    @Test
    void branchWrites_shouldNotClobberEachOther_acrossValidatorAndPromoter() {
        MirrorId id = MirrorId.of("m1");
        db.recordValidated(id, MAIN, validated(1, 10));
        db.claimPromotion(id, MAIN, new BranchState.PromotionLease(1, "p", T0.plusSeconds(30)), Optional.empty());
        db.recordValidated(id, MAIN, validated(2, 20));
        db.recordPromoted(id, MAIN, promoted(1, 10), "p");

        BranchState state = db.getBranchState(id, MAIN).orElseThrow();
        assertThat(state.validatedSequence()).isEqualTo(2);
        assertThat(state.promotedSequence()).isEqualTo(1);
        assertThat(db.listBranchStates(id)).extracting(BranchState::branch).containsExactly(MAIN);
    }

    /** Runs two writes at the same moment; true for each that succeeded, false for a stale-write refusal. */
    private static List<Boolean> race(Runnable first, Runnable second) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> futures = new ArrayList<>();
            for (Runnable write : List.of(first, second)) {
                Callable<Boolean> task = () -> {
                    start.await();
                    try {
                        write.run();
                        return true;
                    } catch (StaleWriteException e) {
                        return false;
                    }
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Boolean> outcomes = new ArrayList<>();
            for (Future<Boolean> f : futures) {
                outcomes.add(f.get(10, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
