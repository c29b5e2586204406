package io.lakemirror.validator;

import static io.lakemirror.validator.ValidatorFixture.MAIN;
import static io.lakemirror.validator.ValidatorFixture.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.runtime.MutableClock;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.StoreFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommitsMessageHandlerTest {
    private final ValidatorFixture f = new ValidatorFixture();
    private final Validator validator = f.validator();

    @AfterEach
    void close() {
        validator.close();
    }

    private CommitRecord uploadedHead(int ranges, java.util.function.Predicate<String> holdBack) {
        WrittenMetaRange mr = TestMetaRanges.write(ranges, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, holdBack);
        return f.commit(mr.id());
    }

    // ---------------------------------------------------------------- poison

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{}", "{\"schema_version\":1,\"type\":\"commits_detected\"}", "[1,2]"})
    void handle_shouldDeadLetterAtOnce_whenBodyCannotBeDecoded(String body) {
        Outcome outcome = validator.handle(received(body, "g", 1));

        assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.MALFORMED);
        assertThat(outcome.reason()).startsWith("message");
        assertThat(f.counter("messages.dead.lettered", "reason", "malformed")).isEqualTo(1);
    }

    @Test
    void handle_shouldRetryThenDeadLetter_whenSchemaVersionIsNewer() {
        String body = "{\"schema_version\":2,\"type\":\"commits_detected\"}";

        Outcome first = validator.handle(received(body, "g", 1));
        Outcome last = validator.handle(received(body, "g", 4));

        assertThat(first).isEqualTo(new Outcome.RetryLater(Duration.ofSeconds(1), first.reason()));
        assertThat(first.reason()).contains("schema_version 2 is not supported");
        assertThat(last).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(((Outcome.DeadLetter) last).kind()).isEqualTo(Outcome.PoisonKind.UNSUPPORTED_SCHEMA);
    }

    @Test
    void handle_shouldDeadLetterAtOnce_whenOrganizationDiffers() {
        CommitsDetected m = f.headMessage(1, f.commit(Optional.empty()));
        CommitsDetected other = new CommitsDetected(OrganizationId.of("other-org"), m.mirrorId(), m.sourceRepository(),
                m.sourceRegion(), m.destinationRegion(), m.branch(), 1, 0, true, m.head(), m.sensedAt(), 1, m.commits(),
                Optional.empty(), List.of());

        Outcome outcome = validator.handle(received(other, 1));

        assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(outcome.reason()).contains("organization other-org").contains("acme");
        assertThat(f.refstore.getCommits(f.spec.id(), m.head().stream().toList())).isEmpty();
    }

    @Test
    void handle_shouldDeadLetterAtOnce_whenMessageIsForAnotherRegion() {
        CommitsDetected m = f.headMessage(1, f.commit(Optional.empty()));
        CommitsDetected misrouted = new CommitsDetected(m.organizationId(), m.mirrorId(), m.sourceRepository(),
                m.sourceRegion(), Region.of("ap-south-1"), m.branch(), 1, 0, true, m.head(), m.sensedAt(), 1,
                m.commits(), Optional.empty(), List.of());

        Outcome outcome = validator.handle(received(misrouted, 1));

        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.WRONG_REGION);
    }

    @Test
    void handle_shouldRetryOnErrorLadderThenDeadLetter_whenMirrorIsUnknown() {
        CommitsDetected m = f.headMessage(1, f.commit(Optional.empty()));
        f.mirrors.deleteMirror(f.spec.id());

        Outcome first = validator.handle(received(m, 1));
        Outcome third = validator.handle(received(m, 3));
        Outcome fourth = validator.handle(received(m, 4));

        assertThat(first).isInstanceOf(Outcome.RetryLater.class);
        assertThat(((Outcome.RetryLater) first).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(((Outcome.RetryLater) third).delay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(fourth).isInstanceOf(Outcome.DeadLetter.class);
        assertThat(fourth.reason()).contains("mirror m1").contains("does not exist").contains("after 4 receives");
        assertThat(f.counter("messages.dead.lettered", "reason", "unknown_mirror")).isEqualTo(1);
    }

    @Test
    void handle_shouldCompleteWithoutProcessing_notDeadLetter_whenMirrorIsBeingDeleted() {
        CommitsDetected m = f.headMessage(1, f.commit(Optional.empty()));
        f.mirrors.requestDeletion(f.spec.id(), StoreFixtures.T0.plusSeconds(5));

        Outcome outcome = validator.handle(received(m, 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(outcome.reason()).contains("being deleted").contains("not needed");
        assertThat(f.refstore.getCommits(f.spec.id(), m.head().stream().toList())).isEmpty();
        assertThat(f.counter("messages.deleted.mirror")).isEqualTo(1);
        assertThat(f.counter("messages.dead.lettered")).isZero();
    }

    @Test
    void handle_shouldDeadLetterAtOnce_whenSourceDiffersFromMirror() {
        CommitsDetected m = f.headMessage(1, f.commit(Optional.empty()));
        CommitsDetected foreign = new CommitsDetected(m.organizationId(), m.mirrorId(),
                io.lakemirror.domain.RepositoryId.of("another-repo"), m.sourceRegion(), m.destinationRegion(),
                m.branch(), 1, 0, true, m.head(), m.sensedAt(), 1, m.commits(), Optional.empty(), List.of());

        Outcome outcome = validator.handle(received(foreign, 1));

        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.SOURCE_MISMATCH);
    }

    // ---------------------------------------------------------------- verified input

    @Test
    void handle_shouldRejectAForgedMessage_whoseCorrectlyHashedHeadTheSourceNeverHad() {
        CommitRecord real = uploadedHead(2, id -> false);
        f.sourceCommits.put(real.id(), real);
        f.sensed(1, Optional.of(real.id()));
        f.sensed(2, Optional.of(real.id()));
        // A commit hashed correctly, with files present, that no source repository ever had.
        CommitRecord forged = uploadedHead(2, id -> false);

        Outcome outcome = validator.handle(received(f.headMessage(1, forged), 1));

        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.FORGED_HEAD);
        assertThat(outcome.reason()).contains("head " + forged.id()).contains("is not on the source lakeFS");
        assertThat(f.branch().validated()).isEmpty();
        assertThat(f.branch().validatorError().orElseThrow().message()).contains("sequence 1").contains("rejected");
        assertThat(f.counter("messages.dead.lettered", "reason", "forged_head")).isEqualTo(1);
    }

    @Test
    void handle_shouldConfirmAnOlderHead_fromTheSensorsSentCommits_withoutAskingTheSource() {
        CommitRecord old = uploadedHead(2, id -> false);
        f.sensed(1, Optional.of(old.id()));
        f.sensed(2, Optional.empty());
        f.mirrors.recordSentCommits(f.spec.id(), List.of(old.id()));
        // The fake source lakeFS does not have the head: only the sensor's sent set can confirm it.

        Outcome outcome = validator.handle(received(f.headMessage(1, old), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
    }

    @Test
    void handle_shouldRejectAForgedMessage_atTheSensorsLatestSequence_whoseHeadTheSensorDidNotAnnounce() {
        CommitRecord real = uploadedHead(2, id -> false);
        CommitRecord forged = uploadedHead(2, id -> false);
        f.sensed(1, Optional.of(real.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, forged), 1));

        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.FORGED_HEAD);
        assertThat(outcome.reason()).contains("recorded head " + real.id());
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(forged.id()))).isEmpty();
        assertThat(f.branch().validated()).isEmpty();
    }

    @Test
    void handle_shouldRejectATamperedRecord_andStoreNothingOfTheMessage() {
        CommitRecord parent = f.commit(Optional.empty());
        CommitRecord head = uploadedHead(2, id -> false);
        CommitRecord tampered = new CommitRecord(parent.id(), parent.parents(), parent.committer(),
                "a message changed on its way", parent.metaRangeId(), parent.creationDate(), parent.metadata(),
                parent.generation(), parent.version());
        f.sensed(1, Optional.of(head.id()));
        CommitsDetected m = f.message(1, 0, true, Optional.of(head.id()), List.of(tampered, head), List.of());

        Outcome outcome = validator.handle(received(m, 1));

        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.TAMPERED_RECORD);
        assertThat(outcome.reason()).contains("commit record " + parent.id()).contains("not to its ID");
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(parent.id(), head.id()))).isEmpty();
        assertThat(f.branch().validated()).isEmpty();
        assertThat(f.branch().validatorError().orElseThrow().message()).contains("rejected");
    }

    @Test
    void handle_shouldRejectAHugeForgedSequence_andStillValidateTheBranchAfterwards() {
        CommitRecord head = uploadedHead(2, id -> false);
        f.sensed(1, Optional.of(head.id()));
        CommitsDetected huge = f.headMessage(9_000_000_000_000_000_000L, head);

        Outcome first = validator.handle(received(huge, 1));
        Outcome last = validator.handle(received(huge, 4));
        Outcome legit = validator.handle(received(f.headMessage(1, head), 1));

        assertThat(first).as("the sensor state may replicate after the message").isInstanceOf(Outcome.RetryLater.class);
        assertThat(((Outcome.DeadLetter) last).kind()).isEqualTo(Outcome.PoisonKind.UNSENSED_SEQUENCE);
        assertThat(last.reason()).contains("never recorded sequence 9000000000000000000").contains("its latest is 1");
        assertThat(legit).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
        assertThat(f.branch().waiting()).isEmpty();
    }

    @Test
    void handle_shouldNeverRecordAnything_forASequenceOfABranchTheSensorDoesNotKnow() {
        CommitRecord head = uploadedHead(1, id -> false);
        CommitsDetected m = new CommitsDetected(ValidatorFixture.ORG, f.spec.id(), f.spec.sourceRepository(),
                f.spec.sourceRegion(), f.spec.destinationRegion(), io.lakemirror.domain.BranchId.of("invented"), 1, 0,
                true, Optional.of(head.id()), StoreFixtures.T0, 1, List.of(head), Optional.empty(), List.of());

        Outcome last = validator.handle(received(m, 4));

        assertThat(((Outcome.DeadLetter) last).kind()).isEqualTo(Outcome.PoisonKind.UNSENSED_SEQUENCE);
        assertThat(f.mirrors.listBranchStates(f.spec.id())).isEmpty();
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(head.id()))).isEmpty();
    }

    @Test
    void handle_shouldCompleteWithoutAdmitting_anOlderSequencesDeletion() {
        CommitRecord head = uploadedHead(1, id -> false);
        f.sensed(1, Optional.empty());
        f.sensed(2, Optional.of(head.id()));

        Outcome outcome = validator.handle(received(f.message(1, 0, true, Optional.empty(), List.of(), List.of()), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(outcome.reason()).contains("superseded by sequence 2");
        assertThat(f.branch().validated()).isEmpty();
    }

    // ---------------------------------------------------------------- records and admission

    @Test
    void handle_shouldStoreRecordsAndComplete_whenBatchIsNotTheLast() {
        CommitRecord parent = f.commit(Optional.empty());
        CommitRecord child = f.commit(Optional.empty(), parent.id());
        CommitsDetected batch0 = f.message(1, 0, false, Optional.of(child.id()), List.of(parent, child), List.of());
        f.sensed(1, Optional.of(child.id()));

        Outcome outcome = validator.handle(received(batch0, 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(parent.id(), child.id()))).hasSize(2);
        assertThat(f.branch().validated()).isEmpty();
        assertThat(f.blocks.requests()).isEmpty();
    }

    @Test
    void handle_shouldValidateAtOnce_whenSequenceIsADeletion() {
        CommitsDetected deletion = f.message(3, 0, true, Optional.empty(), List.of(), List.of());
        f.sensed(3, Optional.empty());

        Outcome outcome = validator.handle(received(deletion, 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validated()).hasValueSatisfying(v -> {
            assertThat(v.sequence()).isEqualTo(3);
            assertThat(v.head()).isEmpty();
        });
        assertThat(f.blocks.requests()).isEmpty();
    }

    @Test
    void handle_shouldValidateAndCachePresence_whenEveryFileIsPresent() {
        CommitRecord head = uploadedHead(3, id -> false);
        f.sensed(1, Optional.of(head.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        BranchState.Validated v = f.branch().validated().orElseThrow();
        assertThat(v.sequence()).isEqualTo(1);
        assertThat(v.head()).contains(head.id());
        assertThat(v.validatedAt()).isEqualTo(f.clock.instant());
        assertThat(f.refstore.knownPresent(f.ns, List.of(head.metaRangeId().orElseThrow().value()))).hasSize(1);
        assertThat(f.counter("sequences.validated", "path", "message")).isEqualTo(1);
    }

    @Test
    void handle_shouldValidate_whenHeadIsARepositorysInitialCommit_whichHasNoMetaRange() {
        CommitRecord initial = f.initialCommit();
        f.sensed(1, Optional.of(initial.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, initial), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
        assertThat(f.blocks.requests()).isEmpty();
    }

    @Test
    void handle_shouldRejectAHeadWithoutMetaRange_thatIsNotARepositorysInitialCommit() {
        CommitRecord empty = f.commit(Optional.empty());
        f.sensed(1, Optional.of(empty.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, empty), 1));

        assertThat(((Outcome.DeadLetter) outcome).kind()).isEqualTo(Outcome.PoisonKind.INVALID_HEAD);
        assertThat(outcome.reason()).contains("no metarange").contains("not a repository's initial commit");
        assertThat(f.branch().validated()).isEmpty();
        assertThat(f.branch().validatorError().orElseThrow().message()).contains("rejected").contains("no metarange");
    }

    @Test
    void handle_shouldWaitOnMissingLadderAndNameTheKey_whenOneRangeIsMissing() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v1");
        String held = mr.ranges().get(2).id().value();
        TestMetaRanges.upload(f.blocks, f.ns, mr, held::equals);
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        CommitsDetected m = f.headMessage(1, head);

        Outcome first = validator.handle(received(m, 1));
        f.clock.advance(Duration.ofMillis(200));
        Outcome second = validator.handle(received(m, 2));

        assertThat(first).isInstanceOf(Outcome.RetryLater.class);
        assertThat(((Outcome.RetryLater) first).delay()).isEqualTo(Duration.ofMillis(200));
        assertThat(((Outcome.RetryLater) second).delay()).isEqualTo(Duration.ofMillis(400));
        BranchState state = f.branch();
        assertThat(state.validated()).isEmpty();
        BranchState.Waiting waiting = state.waiting().orElseThrow();
        assertThat(waiting.missing()).containsExactly(f.ns.metadataKey(mr.ranges().get(2).id()));
        assertThat(waiting.checks()).isEqualTo(2);
        assertThat(waiting.since()).isEqualTo(StoreFixtures.T0.plusSeconds(60));
        assertThat(waiting.lastCheckAt()).isEqualTo(f.clock.instant());
    }

    @Test
    void handle_shouldValidate_whenMissingRangeArrivesBeforeNextReceive() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> id.equals(mr.ranges().get(0).id().value()));
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        validator.handle(received(f.headMessage(1, head), 1));
        TestMetaRanges.uploadRange(f.blocks, f.ns, mr.ranges().get(0));
        f.blocks.clearRequests();

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 2));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
        assertThat(f.branch().waiting()).isEmpty();
        // The two ranges found the first time are not asked for again.
        assertThat(f.blocks.requests()).filteredOn(r -> r.startsWith("HEAD")).hasSize(2);
    }

    @Test
    void handle_shouldHandOverToRecheckPass_whenReceiveBudgetIsSpent() {
        CommitRecord head = uploadedHead(2, id -> true);
        f.sensed(1, Optional.of(head.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 4));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(outcome.reason()).contains("re-check pass takes over");
        assertThat(f.branch().waiting()).isPresent();
        assertThat(f.counter("sequences.handed.over")).isEqualTo(1);
    }

    @Test
    void handle_shouldCompleteWithoutAdmitting_whenSupersededWhileFilesAreMissing() {
        CommitRecord old = uploadedHead(2, id -> true);
        CommitRecord newer = f.commit(Optional.empty(), old.id());
        f.sensed(1, Optional.of(old.id()));
        f.sensed(2, Optional.of(newer.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, old), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(outcome.reason()).contains("superseded by sequence 2");
        assertThat(f.branch().validated()).isEmpty();
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(old.id()))).containsKey(old.id());
        assertThat(f.counter("sequences.superseded")).isEqualTo(1);
    }

    @Test
    void handle_shouldNotOverwriteANewerWaitingSequence_whenAnOlderOneMissesFiles() {
        CommitRecord old = uploadedHead(2, id -> true);
        f.sensed(1, Optional.of(old.id()));
        f.mirrors.recordWaiting(f.spec.id(), MAIN, StoreFixtures.waiting(2, 7, List.of("newer/key")));

        Outcome outcome = validator.handle(received(f.headMessage(1, old), 1));

        assertThat(outcome.reason()).contains("superseded by sequence 2");
        assertThat(f.branch().waiting().orElseThrow().sequence()).isEqualTo(2);
    }

    @Test
    void handle_shouldStillAdmit_whenSupersededButCompleteAndTheSourceHasTheHead() {
        CommitRecord old = uploadedHead(2, id -> false);
        f.sourceCommits.put(old.id(), old);
        f.sensed(1, Optional.of(old.id()));
        f.sensed(2, Optional.empty());

        Outcome outcome = validator.handle(received(f.headMessage(1, old), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
    }

    @Test
    void handle_shouldCompleteWithoutChecking_whenNewerSequenceIsValidatedAlready() {
        CommitRecord head = uploadedHead(2, id -> true);
        f.sensed(5, Optional.empty());
        f.mirrors.recordValidated(f.spec.id(), MAIN, StoreFixtures.validated(5, 9));

        Outcome outcome = validator.handle(received(f.headMessage(3, head), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(outcome.reason()).contains("validated already");
        assertThat(f.blocks.requests()).isEmpty();
    }

    // ---------------------------------------------------------------- failures

    @Test
    void handle_shouldRetryOnErrorLadderNamingTheKey_whenMetaRangeIsCorrupt() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        byte[] bad = mr.bytes().clone();
        bad[12] ^= 0x40;
        f.blocks.put(f.ns.bucket(), f.ns.metadataKey(mr.id()), bad);
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));

        Outcome first = validator.handle(received(f.headMessage(1, head), 1));
        Outcome second = validator.handle(received(f.headMessage(1, head), 2));

        assertThat(((Outcome.RetryLater) first).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(((Outcome.RetryLater) second).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(first.reason()).contains(f.ns.metadataKey(mr.id())).contains("corrupt");
        BranchState state = f.branch();
        assertThat(state.validatorError()).hasValueSatisfying(e ->
                assertThat(e.message()).contains("sequence 1").contains(f.ns.metadataKey(mr.id())).contains("corrupt"));
        assertThat(state.waiting()).isEmpty();
        assertThat(state.validated()).isEmpty();
        assertThat(f.counter("failures", "kind", "corrupt")).isEqualTo(2);
    }

    @Test
    void handle_shouldLeaveCorruptSequenceToRecheckPass_whenReceiveBudgetIsSpent() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        byte[] bad = mr.bytes().clone();
        bad[12] ^= 0x40;
        f.blocks.put(f.ns.bucket(), f.ns.metadataKey(mr.id()), bad);
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 4));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().waiting()).hasValueSatisfying(w -> assertThat(w.sequence()).isEqualTo(1));
        assertThat(f.branch().validatorError()).isPresent();
    }

    @Test
    void handle_shouldRetryOnErrorLadder_whenBucketIsThrottling() {
        CommitRecord head = f.commit(TestMetaRanges.write(1, j -> "v1").id());
        f.sensed(1, Optional.of(head.id()));
        MutableClock clock = f.clock;
        Validator throttled = new Validator(ValidatorFixture.options(), StoreFixtures.DESTINATION, ValidatorFixture.ORG,
                new Validator.Ports(f.mirrors, f.refstore, f.queues.forRegion(StoreFixtures.DESTINATION),
                        new io.lakemirror.blockstore.BlockStore() {
                            @Override
                            public Optional<Long> head(String bucket, String key) {
                                throw new RetryableException("HEAD " + key + ": 503 slow down; retried later");
                            }

                            @Override
                            public io.lakemirror.blockstore.ByteSource open(String bucket, String key, long size) {
                                throw new AssertionError("not reached");
                            }
                        }, (mirror, id) -> {
                            throw new AssertionError("not reached");
                        }, clock, f.meters));
        try {
            Outcome outcome = throttled.handle(received(f.headMessage(1, head), 3));

            assertThat(outcome).isEqualTo(new Outcome.RetryLater(Duration.ofSeconds(4), outcome.reason()));
            assertThat(f.branch().validatorError()).hasValueSatisfying(e -> assertThat(e.message()).contains("503"));
            assertThat(f.counter("failures", "kind", "retryable")).isEqualTo(1);
        } finally {
            throttled.close();
        }
    }

    // ---------------------------------------------------------------- claim check

    @Test
    void handle_shouldStoreClaimCheckedCommit_whenSourceRecordHashesToItsId() {
        CommitRecord big = f.initialCommit();
        f.sourceCommits.put(big.id(), big);
        f.sensed(1, Optional.of(big.id()));
        CommitsDetected m = f.message(1, 0, true, Optional.of(big.id()), List.of(), List.of(big.id()));

        Outcome outcome = validator.handle(received(m, 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(big.id())).get(big.id()).commit()).isEqualTo(big);
        assertThat(f.branch().validated().orElseThrow().head()).contains(big.id());
    }

    @Test
    void handle_shouldNotStoreAndFinallyDeadLetter_whenClaimCheckedCommitDoesNotHashToItsId() {
        CommitRecord real = f.commit(Optional.empty());
        CommitRecord tampered = new CommitRecord(real.id(), real.parents(), real.committer(), "a different message",
                real.metaRangeId(), real.creationDate(), Map.of(), real.generation(), real.version());
        f.sourceCommits.put(real.id(), tampered);
        f.sensed(1, Optional.of(real.id()));
        CommitsDetected m = f.message(1, 0, true, Optional.of(real.id()), List.of(), List.of(real.id()));

        Outcome first = validator.handle(received(m, 1));
        Outcome last = validator.handle(received(m, 4));

        assertThat(first).isInstanceOf(Outcome.RetryLater.class);
        assertThat(first.reason()).contains("hash to");
        assertThat(((Outcome.DeadLetter) last).kind()).isEqualTo(Outcome.PoisonKind.UNVERIFIABLE_COMMIT);
        assertThat(f.refstore.getCommits(f.spec.id(), List.of(real.id()))).isEmpty();
    }

    @Test
    void handle_shouldReadHeadFromRefstore_whenMessageDoesNotCarryIt() {
        CommitRecord head = uploadedHead(1, id -> false);
        f.refstore.putCommits(f.spec.id(), List.of(head));
        f.sensed(2, Optional.of(head.id()));
        CommitsDetected m = f.message(2, 0, true, Optional.of(head.id()), List.of(), List.of());

        Outcome outcome = validator.handle(received(m, 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(2);
    }

    @Test
    void handle_shouldCountEveryMessageByOutcome() {
        f.sensed(1, Optional.of(CommitId.of("a".repeat(64))));
        validator.handle(received("nope", "g", 1));
        validator.handle(received(f.message(1, 0, false, Optional.of(CommitId.of("a".repeat(64))), List.of(),
                List.of()), 1));

        assertThat(f.counter("messages.processed", "outcome", "dead_lettered")).isEqualTo(1);
        assertThat(f.counter("messages.processed", "outcome", "completed")).isEqualTo(1);
        assertThat(f.meters.find("lakemirror.validator.message.duration").timer().count()).isEqualTo(2);
    }
}
