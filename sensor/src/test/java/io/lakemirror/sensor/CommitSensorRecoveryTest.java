package io.lakemirror.sensor;

import static io.lakemirror.sensor.SensorWorld.MAIN;
import static io.lakemirror.sensor.SensorWorld.MIRROR;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A sensor that stops between the steps of a sequence: the next scan finishes it, identically. */
class CommitSensorRecoveryTest {
    private final SensorWorld world = SensorWorld.withMirror();

    @AfterEach
    void close() {
        world.close();
    }

    /** Commits with 3 KiB of metadata each, so that a sequence spans several 8 KiB messages. */
    private void commitLargeHistory(int commits) {
        for (int i = 0; i < commits; i++) {
            world.commit(MAIN, CommitSpec.message("c" + i).metadata(Map.of("payload", "x".repeat(3 * 1024))));
        }
    }

    private CommitSensor smallMessageSensor() {
        return world.sensor(world.settings("sensor-a").withMaxMessageBytes(8 * 1024));
    }

    private static List<String> dedupIds(List<OutgoingMessage> attempt) {
        return attempt.stream().map(OutgoingMessage::deduplicationId).toList();
    }

    @Test
    void runOnce_shouldResendIdenticalMessages_whenTheSensorStoppedAfterTheIntentAndBeforeSending() throws Exception {
        commitLargeHistory(5);
        CommitSensor sensor = smallMessageSensor();
        world.queue.crashNextSend(RecordingQueue.Crash.BEFORE_SEND);

        CycleReport crashed = sensor.runOnce();

        assertThat(crashed.failures()).isEqualTo(1);
        assertThat(world.bodies()).isEmpty();
        assertThat(world.state(MAIN).sent()).isFalse();
        assertThat(world.sourceStatus(MIRROR).lastError()).hasValueSatisfying(e -> e.contains("simulated crash"));

        sensor.runOnce();

        List<List<OutgoingMessage>> attempts = world.queue.attempts();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).size()).isGreaterThan(1);
        assertThat(attempts.get(1)).isEqualTo(attempts.get(0));
        assertThat(world.bodies()).isEqualTo(attempts.get(0).stream().map(OutgoingMessage::body).toList());
        assertThat(world.state(MAIN).sent()).isTrue();
        assertThat(world.state(MAIN).sequence()).isEqualTo(1);
        assertThat(world.sourceStatus(MIRROR).lastError()).isEmpty();
    }

    @Test
    void runOnce_shouldResendTheSameDeduplicationIds_andTheQueueDropsThem_whenTheSensorStoppedAfterSending()
            throws Exception {
        commitLargeHistory(5);
        CommitSensor sensor = smallMessageSensor();
        world.queue.crashNextSend(RecordingQueue.Crash.AFTER_SEND);

        sensor.runOnce();
        List<String> queuedAfterCrash = world.bodies();
        sensor.runOnce();

        List<List<OutgoingMessage>> attempts = world.queue.attempts();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1)).isEqualTo(attempts.get(0));
        assertThat(world.bodies()).as("duplicates dropped by deduplication ID").isEqualTo(queuedAfterCrash);
        assertThat(world.state(MAIN).sent()).isTrue();
    }

    @Test
    void runOnce_shouldResendTheSameDeduplicationIds_whenTheSensorStoppedBeforeMarkingTheSequenceSent()
            throws Exception {
        commitLargeHistory(5);
        CommitSensor sensor = smallMessageSensor();
        AtomicBoolean crashed = new AtomicBoolean();
        world.database.onPutSensorState((state, expected) -> {
            if (state.sent() && crashed.compareAndSet(false, true)) {
                throw new RetryableException("simulated crash before marking the sequence sent");
            }
        });

        sensor.runOnce();
        List<String> queuedAfterCrash = world.bodies();
        sensor.runOnce();

        List<List<OutgoingMessage>> attempts = world.queue.attempts();
        assertThat(dedupIds(attempts.get(1))).isSubsetOf(dedupIds(attempts.get(0)));
        assertThat(world.bodies()).isEqualTo(queuedAfterCrash);
        assertThat(world.state(MAIN).sent()).isTrue();
        assertThat(world.state(MAIN).sequence()).isEqualTo(1);
    }

    @Test
    void runOnce_shouldFinishTheUnsentSequenceBeforeAnnouncingTheNewHead_whenTheBranchMovedMeanwhile()
            throws Exception {
        world.commit(MAIN, "c1");
        CommitSensor sensor = world.sensor();
        world.queue.crashNextSend(RecordingQueue.Crash.BEFORE_SEND);
        sensor.runOnce();
        CommitRecord c2 = world.commit(MAIN, "c2");

        sensor.runOnce();

        List<CommitsDetected> main = world.messages(MAIN);
        assertThat(main).extracting(CommitsDetected::sequence).containsExactly(1L, 2L);
        assertThat(world.queue.attempts().get(1)).isEqualTo(world.queue.attempts().get(0));
        assertThat(main.get(1).commits()).containsExactly(c2);
        assertThat(world.state(MAIN).sequence()).isEqualTo(2);
    }
}
