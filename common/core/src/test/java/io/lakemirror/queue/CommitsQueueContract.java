package io.lakemirror.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.Region;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The queue behaviour the sensor and validator rely on, run against the fake and against SQS
 * (ElasticMQ). Subclasses give a queue view of {@link #region()} whose queue is empty.
 */
public abstract class CommitsQueueContract {
    private static final Duration WAIT = Duration.ofMillis(200);

    /** A queue view of {@link #region()}, whose queue (and dead-letter queue) is empty. */
    protected abstract CommitsQueue queue();

    protected abstract Region region();

    /** Bodies in the dead-letter queue of {@link #region()}, with their reasons if the implementation keeps them. */
    protected abstract List<String> deadLetterBodies();

    private static CommitsQueue.OutgoingMessage message(String group, String dedup, String body) {
        return new CommitsQueue.OutgoingMessage(group, dedup, body);
    }

    private List<CommitsQueue.ReceivedMessage> receiveAtLeastOne() {
        List<CommitsQueue.ReceivedMessage> got = new ArrayList<>();
        await("a message to arrive").atMost(Duration.ofSeconds(60)).until(() -> {
            got.addAll(queue().receive(10, WAIT));
            return !got.isEmpty();
        });
        return got;
    }

    @Test
    void receive_shouldDeliverOneGroupInOrder_oneMessageInFlightAtATime() {
        queue().send(region(), List.of(message("g", "1", "first"), message("g", "2", "second")));

        List<CommitsQueue.ReceivedMessage> first = receiveAtLeastOne();
        assertThat(first).extracting(CommitsQueue.ReceivedMessage::body).first().isEqualTo("first");
        first.stream().skip(1).forEach(queue()::delete);
        if (first.size() == 1) {
            assertThat(queue().receive(10, WAIT)).as("second waits while first is in flight").isEmpty();
        }
        queue().delete(first.get(0));

        if (first.size() == 1) {
            assertThat(receiveAtLeastOne()).extracting(CommitsQueue.ReceivedMessage::body).containsExactly("second");
        } else {
            assertThat(first).extracting(CommitsQueue.ReceivedMessage::body).containsExactly("first", "second");
        }
    }

    @Test
    void send_shouldDropADuplicateDeduplicationId() {
        queue().send(region(), List.of(message("g", "same", "one")));
        queue().send(region(), List.of(message("g", "same", "two")));

        List<CommitsQueue.ReceivedMessage> got = receiveAtLeastOne();
        got.forEach(queue()::delete);

        assertThat(got).extracting(CommitsQueue.ReceivedMessage::body).containsExactly("one");
        assertThat(queue().receive(10, WAIT)).isEmpty();
    }

    @Test
    void retryLater_shouldRedeliverWithAHigherReceiveCount() {
        queue().send(region(), List.of(message("g", "1", "again")));
        CommitsQueue.ReceivedMessage first = receiveAtLeastOne().get(0);

        queue().retryLater(first, Duration.ZERO);
        CommitsQueue.ReceivedMessage second = receiveAtLeastOne().get(0);

        assertThat(second.body()).isEqualTo("again");
        assertThat(second.receiveCount()).isEqualTo(first.receiveCount() + 1);
        queue().delete(second);
    }

    @Test
    void deadLetter_shouldMoveTheMessageOut_andUnblockItsGroup() {
        queue().send(region(), List.of(message("g", "1", "poison"), message("g", "2", "fine")));
        CommitsQueue.ReceivedMessage poison = receiveAtLeastOne().get(0);

        queue().deadLetter(poison, "not JSON");

        List<CommitsQueue.ReceivedMessage> next = receiveAtLeastOne();
        assertThat(next).extracting(CommitsQueue.ReceivedMessage::body).containsExactly("fine");
        next.forEach(queue()::delete);
        await("the dead letter to appear").atMost(Duration.ofSeconds(60))
                .until(() -> deadLetterBodies().contains("poison"));
    }

    @Test
    void extendVisibility_shouldHideTheMessageForTheNewTime_thenLetItComeBack() {
        queue().send(region(), List.of(message("g", "1", "slow")));
        CommitsQueue.ReceivedMessage first = receiveAtLeastOne().get(0);

        queue().extendVisibility(first, Duration.ofSeconds(2));

        assertThat(queue().receive(10, WAIT)).as("hidden while extended").isEmpty();
        List<CommitsQueue.ReceivedMessage> again = new ArrayList<>();
        await("the message to come back after the extension").atMost(Duration.ofSeconds(60)).until(() -> {
            again.addAll(queue().receive(10, WAIT));
            return !again.isEmpty();
        });
        assertThat(again.get(0).body()).isEqualTo("slow");
        assertThat(again.get(0).receiveCount()).isEqualTo(first.receiveCount() + 1);
        queue().delete(again.get(0));
    }

    @Test
    void extendVisibility_shouldLeaveTheMessageToItsConsumer_andTheRestOfTheGroupBehindIt() {
        queue().send(region(), List.of(message("g", "1", "first"), message("g", "2", "second")));
        List<CommitsQueue.ReceivedMessage> got = receiveAtLeastOne();
        CommitsQueue.ReceivedMessage first = got.get(0);
        got.stream().skip(1).forEach(m -> queue().retryLater(m, Duration.ZERO));

        queue().extendVisibility(first, Duration.ofSeconds(30));
        queue().extendVisibility(first, Duration.ofSeconds(30));

        assertThat(queue().receive(10, WAIT)).as("second waits behind the extended first").isEmpty();
        queue().delete(first);
        assertThat(receiveAtLeastOne()).extracting(CommitsQueue.ReceivedMessage::body).containsExactly("second");
    }

    @Test
    void visibilityTimeout_andMaxReceiveCount_shouldDescribeTheQueue() {
        assertThat(queue().visibilityTimeout()).isPositive();
        assertThat(queue().maxReceiveCount()).isPresent();
        assertThat(queue().maxReceiveCount().getAsInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void redrive_shouldMoveAMessageToTheDeadLetterQueue_afterMaxReceiveCountReceives() {
        int max = queue().maxReceiveCount().orElseThrow();
        queue().send(region(), List.of(message("g", "1", "never done")));

        for (int receive = 1; receive <= max; receive++) {
            CommitsQueue.ReceivedMessage m = receiveAtLeastOne().get(0);
            assertThat(m.receiveCount()).isEqualTo(receive);
            queue().retryLater(m, Duration.ZERO);
        }

        await("the redrive policy to move the message").atMost(Duration.ofSeconds(60)).until(() -> {
            queue().receive(10, WAIT).forEach(queue()::delete);
            return deadLetterBodies().contains("never done");
        });
    }

    @Test
    void groups_shouldNotBlockEachOther() {
        queue().send(region(), List.of(message("a", "a1", "a1"), message("b", "b1", "b1")));

        List<String> bodies = new ArrayList<>();
        await("both groups to deliver").atMost(Duration.ofSeconds(60)).until(() -> {
            queue().receive(10, WAIT).forEach(m -> bodies.add(m.body()));
            return bodies.size() >= 2;
        });

        assertThat(bodies).containsExactlyInAnyOrder("a1", "b1");
    }
}
