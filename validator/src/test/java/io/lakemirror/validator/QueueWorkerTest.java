package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.Region;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class QueueWorkerTest {
    private final RecordingQueue queue = new RecordingQueue();
    private final List<String> handled = new ArrayList<>();

    private static ReceivedMessage message(String id, String group) {
        return new ReceivedMessage(id, "body of " + id, 1, group, id);
    }

    private QueueWorker worker(CountDownLatch stopping) {
        return new QueueWorker(queue, m -> {
            handled.add(m.messageId());
            return switch (m.messageId()) {
                case "retry" -> new Outcome.RetryLater(Duration.ofMillis(800), "files missing");
                case "poison" -> new Outcome.DeadLetter(Outcome.PoisonKind.MALFORMED, "not json");
                default -> new Outcome.Completed("validated");
            };
        }, Duration.ofMillis(10), stopping);
    }

    @Test
    void process_shouldCarryOutEachOutcome_whenMessagesAreIndependent() {
        worker(new CountDownLatch(1)).process(List.of(message("ok", "a"), message("retry", "b"), message("poison", "c")));

        assertThat(queue.calls).containsExactly("delete ok", "retryLater retry PT0.8S", "deadLetter poison not json");
    }

    @Test
    void process_shouldHoldLaterMessagesOfAGroup_whenAnEarlierOneIsRetried() {
        worker(new CountDownLatch(1)).process(List.of(message("retry", "g1"), message("next-in-g1", "g1"),
                message("other", "g2")));

        assertThat(handled).containsExactly("retry", "other");
        assertThat(queue.calls).containsExactly("retryLater retry PT0.8S", "retryLater next-in-g1 PT0.8S", "delete other");
    }

    @Test
    void process_shouldContinueTheGroup_whenAnEarlierOneIsDeadLettered() {
        worker(new CountDownLatch(1)).process(List.of(message("poison", "g1"), message("ok", "g1")));

        assertThat(handled).containsExactly("poison", "ok");
    }

    @Test
    void process_shouldGiveMessagesBackAtOnce_whenStopping() {
        CountDownLatch stopping = new CountDownLatch(1);
        stopping.countDown();

        worker(stopping).process(List.of(message("ok", "a")));

        assertThat(handled).isEmpty();
        assertThat(queue.calls).containsExactly("retryLater ok PT0S");
    }

    @Test
    void process_shouldGoOn_whenTheQueueRefusesAnAcknowledgement() {
        queue.failDeletes = true;

        worker(new CountDownLatch(1)).process(List.of(message("ok", "a"), message("poison", "b")));

        assertThat(queue.calls).containsExactly("delete ok", "deadLetter poison not json");
    }

    /** Records what the worker asks of the queue. */
    private static final class RecordingQueue implements CommitsQueue {
        final List<String> calls = new ArrayList<>();
        boolean failDeletes;

        @Override
        public void send(Region destination, List<OutgoingMessage> messages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ReceivedMessage> receive(int max, Duration wait) {
            return List.of();
        }

        @Override
        public void delete(ReceivedMessage message) {
            calls.add("delete " + message.messageId());
            if (failDeletes) {
                throw new RetryableException("receipt expired; delivered again later");
            }
        }

        @Override
        public void retryLater(ReceivedMessage message, Duration delay) {
            calls.add("retryLater " + message.messageId() + " " + delay);
        }

        @Override
        public void deadLetter(ReceivedMessage message, String reason) {
            calls.add("deadLetter " + message.messageId() + " " + reason);
        }

        @Override
        public long approximateDepth() {
            return 0;
        }
    }
}
