package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.Region;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import io.lakemirror.queue.InMemoryCommitsQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueueWorkerTest {
    private static final Region HERE = Region.of("eu-west-1");

    private final RecordingQueue queue = new RecordingQueue();
    private final List<String> handled = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

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
        }, Duration.ofMillis(10), stopping, pool, null);
    }

    @Test
    void process_shouldCarryOutEachOutcome_whenMessagesAreIndependent() {
        worker(new CountDownLatch(1)).process(List.of(message("ok", "a"), message("retry", "b"), message("poison", "c")));

        assertThat(queue.calls).containsExactlyInAnyOrder("delete ok", "retryLater retry PT0.8S",
                "deadLetter poison not json");
    }

    @Test
    void process_shouldHoldLaterMessagesOfAGroup_whenAnEarlierOneIsRetried() {
        worker(new CountDownLatch(1)).process(List.of(message("retry", "g1"), message("next-in-g1", "g1"),
                message("other", "g2")));

        assertThat(handled).containsExactlyInAnyOrder("retry", "other");
        assertThat(queue.calls).containsExactlyInAnyOrder("retryLater retry PT0.8S", "retryLater next-in-g1 PT0.8S",
                "delete other");
        assertThat(queue.calls.indexOf("retryLater retry PT0.8S")).isLessThan(queue.calls.indexOf(
                "retryLater next-in-g1 PT0.8S"));
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

        assertThat(queue.calls).containsExactlyInAnyOrder("delete ok", "deadLetter poison not json");
    }

    @Test
    void process_shouldHandleTheGroupsOfABatchConcurrently_soOneSlowCheckDoesNotHoldUpTheOthers() {
        CountDownLatch fastDone = new CountDownLatch(1);
        AtomicBoolean overtakenSeen = new AtomicBoolean();
        QueueWorker w = new QueueWorker(queue, m -> {
            if (m.messageId().equals("slow")) {
                try {
                    // Only overtaken if the other group was handled meanwhile, i.e. concurrently.
                    boolean overtaken = fastDone.await(60, TimeUnit.SECONDS);
                    overtakenSeen.set(overtaken);
                    return new Outcome.Completed(overtaken ? "overtaken" : "alone");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome.RetryLater(Duration.ZERO, "interrupted");
                }
            }
            fastDone.countDown();
            return new Outcome.Completed("fast");
        }, Duration.ofMillis(10), new CountDownLatch(1), pool, null);

        w.process(List.of(message("slow", "a"), message("fast", "b")));

        assertThat(overtakenSeen).as("the fast group was handled while the slow one waited").isTrue();
        assertThat(queue.calls).containsExactlyInAnyOrder("delete slow", "delete fast");
    }

    @Test
    void heartbeat_shouldKeepASlowMessageFromBeingDeliveredTwice_pastItsVisibilityTimeout() {
        InMemoryCommitsQueue queues = new InMemoryCommitsQueue(Duration.ofMillis(600));
        CommitsQueue consumer = queues.forRegion(HERE);
        consumer.send(HERE, List.of(new CommitsQueue.OutgoingMessage("g", "d1", "slow")));
        ReceivedMessage received = await().alias("the message").atMost(Duration.ofSeconds(60))
                .until(() -> consumer.receive(1, Duration.ZERO), l -> !l.isEmpty()).get(0);
        CountDownLatch release = new CountDownLatch(1);
        List<ReceivedMessage> secondDeliveries = Collections.synchronizedList(new ArrayList<>());
        try (Heartbeats heartbeats = new Heartbeats(consumer, consumer.visibilityTimeout(),
                new ValidatorMetrics(new SimpleMeterRegistry()))) {
            QueueWorker slow = new QueueWorker(consumer, m -> {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Outcome.Completed("checked slowly");
            }, Duration.ofMillis(10), new CountDownLatch(1), pool, heartbeats);
            Thread handling = new Thread(() -> slow.process(List.of(received)), "slow-handler");
            handling.start();

            // Four visibility timeouts pass while the message is handled; no one else may get it.
            await().alias("no second delivery while the message is handled").during(Duration.ofMillis(2400))
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        secondDeliveries.addAll(consumer.receive(1, Duration.ZERO));
                        return secondDeliveries.isEmpty();
                    });
            release.countDown();
            await().alias("the handler to finish").atMost(Duration.ofSeconds(60)).until(() -> !handling.isAlive());
            assertThat(heartbeats.heldCount()).isZero();
        }

        assertThat(queues.bodies(HERE)).as("deleted after its slow check").isEmpty();
        assertThat(queues.deadLetters(HERE)).isEmpty();
    }

    /** Records what the worker asks of the queue. */
    private static final class RecordingQueue implements CommitsQueue {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failDeletes;

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

        @Override
        public void extendVisibility(ReceivedMessage message, Duration visibility) {
            calls.add("extendVisibility " + message.messageId());
        }

        @Override
        public Duration visibilityTimeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public OptionalInt maxReceiveCount() {
            return OptionalInt.empty();
        }
    }
}
