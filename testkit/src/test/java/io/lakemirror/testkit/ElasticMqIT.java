package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

class ElasticMqIT {
    private static ElasticMq mq;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        // Generous: these waits end as soon as the condition holds, and CI machines may be busy.
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
        mq = ElasticMq.start();
        sqs = mq.client();
    }

    @AfterAll
    static void stop() {
        mq.close();
        Awaitility.reset();
    }

    @Test
    void createFifoQueue_shouldMoveAMessageToTheDlq_afterMaxReceiveCountReceives() {
        ElasticMq.FifoQueue queue = mq.createFifoQueue("commits-a.fifo", "commits-a-dlq.fifo", 2);
        assertThat(queue.url()).startsWith(mq.endpoint().toString());
        sqs.sendMessage(b -> b.queueUrl(queue.url()).messageBody("poison").messageGroupId("m1/main")
                .messageDeduplicationId("1"));

        for (int receive = 1; receive <= 2; receive++) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue.url()).waitTimeSeconds(2)).messages();
            assertThat(got).as("receive %d", receive).extracting(Message::body).containsExactly("poison");
            sqs.changeMessageVisibility(b -> b.queueUrl(queue.url()).receiptHandle(got.get(0).receiptHandle())
                    .visibilityTimeout(0));
        }

        await("poison message in the dead-letter queue").until(() -> {
            sqs.receiveMessage(b -> b.queueUrl(queue.url()).waitTimeSeconds(0));
            return sqs.receiveMessage(b -> b.queueUrl(queue.dlqUrl()).waitTimeSeconds(1)).messages().stream()
                    .anyMatch(m -> m.body().equals("poison"));
        });
    }

    @Test
    void createFifoQueue_shouldRejectNamesWithoutFifoSuffix() {
        assertThatThrownBy(() -> mq.createFifoQueue("commits", "commits-dlq.fifo", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".fifo");
    }
}
