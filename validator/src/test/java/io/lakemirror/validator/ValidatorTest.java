package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.InMemoryCommitsQueue;
import io.lakemirror.store.StoreFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The validator with its threads, over the in-memory FIFO queue. */
class ValidatorTest {
    private final ValidatorFixture f = new ValidatorFixture();
    private final CommitsQueue sender = f.queues.forRegion(StoreFixtures.SOURCE);
    private Validator validator;

    @AfterEach
    void close() {
        if (validator != null) {
            validator.close();
        }
    }

    private void send(CommitsDetected m) {
        sender.send(m.destinationRegion(), List.of(new CommitsQueue.OutgoingMessage(m.groupId(), m.deduplicationId(),
                CommitsDetectedCodec.encode(m))));
    }

    private Validator start(ValidatorOptions options) {
        validator = f.validator(options);
        validator.start();
        return validator;
    }

    @Test
    void start_shouldValidate_whenAHeldBackRangeArrives() {
        WrittenMetaRange mr = TestMetaRanges.write(4, j -> "v1");
        String held = mr.ranges().get(3).id().value();
        TestMetaRanges.upload(f.blocks, f.ns, mr, held::equals);
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        start(ValidatorFixture.options());

        send(f.headMessage(1, head));

        await().alias("branch waits naming the held-back range").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().waiting().map(w -> w.missing().contains(f.ns.metadataKey(mr.ranges().get(3).id())))
                        .orElse(false));
        assertThat(f.branch().validated()).isEmpty();
        TestMetaRanges.uploadRange(f.blocks, f.ns, mr.ranges().get(3));
        await().alias("validated after the range arrived").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().validatedSequence() == 1);
        await().alias("message deleted").atMost(Duration.ofSeconds(60))
                .until(() -> f.queues.bodies(StoreFixtures.DESTINATION).isEmpty());
    }

    @Test
    void start_shouldDeadLetterPoisonAndKeepGoing_whenAMalformedMessageArrives() {
        start(ValidatorFixture.options());
        sender.send(StoreFixtures.DESTINATION, List.of(new CommitsQueue.OutgoingMessage("g", "d1", "{broken")));
        CommitRecord initial = f.initialCommit();
        f.sensed(1, Optional.of(initial.id()));
        send(f.headMessage(1, initial));

        await().alias("dead letter with reason").atMost(Duration.ofSeconds(60))
                .until(() -> f.queues.deadLetters(StoreFixtures.DESTINATION).size() == 1);
        assertThat(f.queues.deadLetters(StoreFixtures.DESTINATION).get(0).reason()).contains("not JSON");
        await().alias("other message validated").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().validatedSequence() == 1);
    }

    @Test
    void start_shouldAdmitOnlyTheNewerSequence_whenAnOlderOneStillMissesFiles() {
        WrittenMetaRange old = TestMetaRanges.write(2, j -> "old");
        TestMetaRanges.upload(f.blocks, f.ns, old, id -> id.equals(old.ranges().get(0).id().value()));
        WrittenMetaRange fresh = TestMetaRanges.write(2, j -> "new");
        TestMetaRanges.upload(f.blocks, f.ns, fresh, id -> false);
        CommitRecord first = f.commit(old.id());
        CommitRecord second = f.commit(Optional.of(fresh.id()), first.id());
        f.sensed(1, Optional.of(first.id()));
        f.sensed(2, Optional.of(second.id()));
        start(ValidatorFixture.options());

        send(f.headMessage(1, first));
        send(f.headMessage(2, second));

        await().alias("sequence 2 validated").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().validatedSequence() == 2);
        assertThat(f.branch().validated().orElseThrow().head()).contains(second.id());
    }

    @Test
    void start_shouldValidateHandedOverSequenceByPeriodicPass_whenItsMessageIsGone() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> id.equals(mr.id().value()));
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        start(ValidatorFixture.options().withReceiveBudget(1).withRunInterval(Duration.ofMillis(100)));

        send(f.headMessage(1, head));
        await().alias("handed over").atMost(Duration.ofSeconds(60))
                .until(() -> f.queues.bodies(StoreFixtures.DESTINATION).isEmpty() && f.branch().waiting().isPresent());
        f.blocks.put(f.ns.bucket(), f.ns.metadataKey(mr.id()), mr.bytes());

        await().alias("validated by the re-check pass").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().validatedSequence() == 1);
        assertThat(f.counter("sequences.validated", "path", "recheck")).isEqualTo(1);
    }

    @Test
    void start_shouldAdmitThroughTheWatch_whenAFileLandsAfterTheMessageWasHandedOver() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> id.equals(mr.id().value()));
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        // One receive and an hourly re-check pass: only the in-process watch can admit it quickly.
        start(ValidatorFixture.options().withReceiveBudget(1).withRunInterval(Duration.ofHours(1)));

        send(f.headMessage(1, head));
        await().alias("handed over").atMost(Duration.ofSeconds(60))
                .until(() -> f.queues.bodies(StoreFixtures.DESTINATION).isEmpty() && f.branch().waiting().isPresent());
        f.blocks.put(f.ns.bucket(), f.ns.metadataKey(mr.id()), mr.bytes());

        // Well inside the hourly pass: only the watch can have admitted it.
        await().alias("validated by the watch").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().validatedSequence() == 1);
    }

    @Test
    void start_shouldAdmitALostHeadMessageOfAQuietBranch_onceItsGraceHasPassed() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "quiet");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        CommitRecord head = f.commit(mr.id());
        f.sourceCommits.put(head.id(), head);
        // Sensed exactly one grace ago; its message is lost and the branch stays quiet.
        Duration grace = Duration.ofSeconds(5);
        f.sensed(1, Optional.of(head.id()), f.clock.instant().minus(grace));
        Duration interval = Duration.ofMillis(300);
        start(ValidatorFixture.options().withRunInterval(interval).withLostMessageGrace(grace));

        // The test's clock stands still: the head is admitted because its grace has passed, not by waiting longer.
        await().alias("the lost head admitted by the re-check pass").atMost(Duration.ofSeconds(60))
                .until(() -> f.branch().validatedSequence() == 1);

        assertThat(f.branch().validated().orElseThrow().head()).contains(head.id());
        assertThat(f.counter("sequences.repaired", "kind", "head")).isEqualTo(1);
    }

    @Test
    void constructor_shouldRefuseAQueue_whoseMaxReceiveCountIsBelowThree() {
        InMemoryCommitsQueue lowBudget = new InMemoryCommitsQueue(Duration.ofSeconds(30), 2);
        Validator.Ports ports = f.ports();
        Validator.Ports onLowBudget = new Validator.Ports(ports.mirrors(), ports.refstore(),
                lowBudget.forRegion(StoreFixtures.DESTINATION), ports.blockStore(), ports.sourceCommits(), ports.clock(),
                ports.meters());

        assertThatThrownBy(() -> new Validator(ValidatorFixture.options(), StoreFixtures.DESTINATION,
                ValidatorFixture.ORG, onLowBudget))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("after 2 receive(s)")
                .hasMessageContaining("at least 3")
                .hasMessageContaining("does not start until then");
    }

    @Test
    void start_shouldTakeTheReceiveBudgetFromTheQueuesRedrivePolicy() {
        CommitRecord head = f.commit(TestMetaRanges.write(1, j -> "never").id());
        f.sensed(1, Optional.of(head.id()));
        InMemoryCommitsQueue redriving = new InMemoryCommitsQueue(Duration.ofSeconds(30), 3);
        Validator.Ports ports = f.ports();
        validator = new Validator(ValidatorFixture.options(), StoreFixtures.DESTINATION, ValidatorFixture.ORG,
                new Validator.Ports(ports.mirrors(), ports.refstore(), redriving.forRegion(StoreFixtures.DESTINATION),
                        ports.blockStore(), ports.sourceCommits(), ports.clock(), ports.meters()));
        validator.start();
        CommitsDetected m = f.headMessage(1, head);
        redriving.forRegion(StoreFixtures.SOURCE).send(StoreFixtures.DESTINATION, List.of(new CommitsQueue.OutgoingMessage(
                m.groupId(), m.deduplicationId(), CommitsDetectedCodec.encode(m))));

        await().alias("handed over to the re-check pass on its second receive, before the redrive")
                .atMost(Duration.ofSeconds(60))
                .until(() -> redriving.bodies(StoreFixtures.DESTINATION).isEmpty() && f.branch().waiting().isPresent());
        assertThat(redriving.deadLetters(StoreFixtures.DESTINATION)).isEmpty();
        assertThat(f.counter("sequences.handed.over")).isEqualTo(1);
    }

    @Test
    void close_shouldStopWorkersWithinShutdownTimeout_andBeIdempotent() {
        start(ValidatorFixture.options());
        long started = System.nanoTime();

        validator.close();
        validator.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("validator-worker-")
                && t.isAlive());
    }
}
