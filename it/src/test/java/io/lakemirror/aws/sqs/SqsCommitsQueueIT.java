package io.lakemirror.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import io.lakemirror.queue.CommitsQueueContract;
import io.lakemirror.testkit.ElasticMq;
import io.lakemirror.testkit.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS adapter against ElasticMQ: the queue contract (FIFO order per group, deduplication,
 * redelivery, dead letters, independent groups), then batching, size limits, per-entry failures,
 * queue lookup and the dead-letter-queue requirement. One server for the class, fresh queues per test.
 */
class SqsCommitsQueueIT extends CommitsQueueContract {
    private static final Region HERE = Region.of("eu-west-1");
    private static final Region THERE = Region.of("us-east-1");
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static final Duration NO_WAIT = Duration.ZERO;

    private static ElasticMq elasticMq;

    private final SendRecorder sends = new SendRecorder();
    private final FaultInjector faults = new FaultInjector();
    private final List<SqsCommitsQueue> opened = new ArrayList<>();
    private ElasticMq.FifoQueue here;
    private SqsCommitsQueue queue;

    @BeforeAll
    static void startElasticMq() {
        elasticMq = ElasticMq.start();
    }

    @AfterAll
    static void stopElasticMq() {
        if (elasticMq != null) {
            elasticMq.close();
        }
    }

    @BeforeEach
    void createQueues() {
        here = newQueue(HERE);
        queue = open(HERE, Map.of("queue.sqs.queue_urls", Map.of(HERE.value(), here.url())));
    }

    @AfterEach
    void closeQueues() {
        opened.forEach(SqsCommitsQueue::close);
    }

    private static ElasticMq.FifoQueue newQueue(Region region) {
        int n = QUEUES.incrementAndGet();
        return elasticMq.createFifoQueue("commits-" + region + "-" + n + ".fifo", "commits-dlq-" + region + "-" + n + ".fifo", 5);
    }

    private SqsCommitsQueue open(Region region, Map<String, Object> settings) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", region.value(),
                "organization_id", "acme",
                "regional_endpoint", "http://lakefs-" + region + ".example.com:8000",
                "dst_endpoints", Map.of((region.equals(HERE) ? THERE : HERE).value(), "http://lakefs-other.example.com:8000"),
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "lakefs-secret",
                "mirrors_database.type", "dynamodb",
                "mirrors_database.dynamodb.table_name", "lakemirror",
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "encrypt-secret"));
        values.put("queue.sqs.endpoint", elasticMq.endpoint().toString());
        values.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        values.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        values.putAll(settings);
        ReplicationConfig config = ConfigLoader.fromMap(values);
        SqsCommitsQueue created = SqsCommitsQueue.create(config, builder -> builder.overrideConfiguration(
                builder.overrideConfiguration().toBuilder().addExecutionInterceptor(sends).addExecutionInterceptor(faults)
                        .build()));
        opened.add(created);
        return created;
    }

    @Override
    protected CommitsQueue queue() {
        return queue;
    }

    @Override
    protected Region region() {
        return HERE;
    }

    @Override
    protected List<String> deadLetterBodies() {
        return deadLetters(here).stream().map(Message::body).toList();
    }

    private static List<Message> deadLetters(ElasticMq.FifoQueue q) {
        return elasticMq.client().receiveMessage(b -> b.queueUrl(q.dlqUrl()).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
    }

    private static OutgoingMessage message(String group, String dedup, String body) {
        return new OutgoingMessage(group, dedup, body);
    }

    /** Receives and deletes until {@code count} messages arrived, in arrival order. */
    private static List<ReceivedMessage> drain(CommitsQueue from, int count) {
        List<ReceivedMessage> got = new ArrayList<>();
        await("%d messages".formatted(count)).alias(count + " messages to arrive").atMost(Duration.ofSeconds(20))
                .until(() -> {
                    for (ReceivedMessage m : from.receive(10, NO_WAIT)) {
                        got.add(m);
                        from.delete(m);
                    }
                    return got.size() >= count;
                });
        return got;
    }

    private static List<String> bodiesOf(List<ReceivedMessage> messages, String group) {
        return messages.stream().filter(m -> group.equals(m.groupId())).map(ReceivedMessage::body).toList();
    }

    @Test
    void receive_shouldReportTheGroupAndReceiveCount() {
        queue.send(HERE, List.of(message("mirror-1/main", "1", "body")));

        ReceivedMessage first = await().alias("the message").atMost(Duration.ofSeconds(60))
                .until(() -> queue.receive(1, NO_WAIT), l -> !l.isEmpty()).get(0);

        assertThat(first.groupId()).isEqualTo("mirror-1/main");
        assertThat(first.receiveCount()).isEqualTo(1);
        assertThat(first.messageId()).isNotBlank();
    }

    @Test
    void receive_shouldHandOutOneMessagePerGroup_andGiveTheHeldOnesBackWithARetriedMessage() {
        queue.send(HERE, List.of(message("g", "1", "first"), message("g", "2", "second"), message("g", "3", "third"),
                message("h", "4", "other group")));

        List<ReceivedMessage> got = new ArrayList<>();
        await().alias("one message of each group").atMost(Duration.ofSeconds(60)).until(() -> {
            got.addAll(queue.receive(10, NO_WAIT));
            return got.size() >= 2;
        });
        assertThat(got).extracting(ReceivedMessage::body).containsExactlyInAnyOrder("first", "other group");
        assertThat(queue.receive(10, NO_WAIT)).as("nothing more while both are in flight").isEmpty();

        ReceivedMessage first = got.stream().filter(m -> m.body().equals("first")).findFirst().orElseThrow();
        queue.retryLater(first, Duration.ZERO);
        queue.delete(got.stream().filter(m -> m.body().equals("other group")).findFirst().orElseThrow());

        List<ReceivedMessage> again = drain(queue, 3);
        assertThat(again).extracting(ReceivedMessage::body).containsExactly("first", "second", "third");
        assertThat(again.get(0).receiveCount()).isEqualTo(2);
    }

    @Test
    void send_shouldSendBatchesOfTen_andKeepEachGroupInOrder_whenSendingMoreThanTen() {
        List<OutgoingMessage> messages = IntStream.range(0, 25)
                .mapToObj(i -> message(i % 2 == 0 ? "even" : "odd", "d" + i, "m" + i)).toList();

        queue.send(HERE, messages);

        assertThat(sends.batchSizes()).containsExactly(10, 10, 5);
        List<ReceivedMessage> got = drain(queue, 25);
        assertThat(bodiesOf(got, "even")).containsExactlyElementsOf(
                IntStream.range(0, 25).filter(i -> i % 2 == 0).mapToObj(i -> "m" + i).toList());
        assertThat(bodiesOf(got, "odd")).containsExactlyElementsOf(
                IntStream.range(0, 25).filter(i -> i % 2 == 1).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void send_shouldKeepBatchesUnder256KiB_whenMessagesAreNearTheLimit() {
        String largest = "L".repeat(SendBatches.MAX_BYTES);
        String large = "l".repeat(200 * 1024);
        List<OutgoingMessage> messages = List.of(message("g", "1", "small-1"), message("g", "2", large),
                message("g", "3", largest), message("g", "4", "small-2"), message("g", "5", large),
                message("g", "6", "small-3"));

        queue.send(HERE, messages);

        assertThat(sends.batchBytes()).allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(SendBatches.MAX_BYTES));
        assertThat(sends.batchSizes()).containsExactly(2, 1, 3);
        assertThat(drain(queue, 6)).extracting(ReceivedMessage::body)
                .containsExactly("small-1", large, largest, "small-2", large, "small-3");
    }

    @Test
    void send_shouldRefuseTheWholeList_whenOneMessageIsOver256KiB() {
        List<OutgoingMessage> messages = List.of(message("g", "ok", "fine"),
                message("g", "huge", "x".repeat(SendBatches.MAX_BYTES + 1)));

        assertThatThrownBy(() -> queue.send(HERE, messages))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("huge")
                .hasMessageContaining("nothing of this call was sent");
        assertThat(sends.batchSizes()).isEmpty();
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void send_shouldResendAnEntrySqsDidNotStore_soEveryMessageArrivesOnceInOrder() {
        faults.failTimes("b1", 1);

        queue.send(HERE, List.of(message("a", "a1", "a1"), message("a", "a2", "a2"), message("b", "b1", "b1"),
                message("a", "a3", "a3")));

        assertThat(sends.batchSizes()).containsExactly(4, 1);
        List<ReceivedMessage> got = drain(queue, 4);
        assertThat(bodiesOf(got, "a")).containsExactly("a1", "a2", "a3");
        assertThat(bodiesOf(got, "b")).containsExactly("b1");
        assertThat(queue.receive(10, NO_WAIT)).isEmpty();
    }

    @Test
    void send_shouldThrowRetryableNamingTheEntry_andSendNothingAfterIt_whenAnEntryKeepsFailing() {
        faults.sink = newQueue(HERE).url();
        faults.failTimes("d3", Integer.MAX_VALUE);
        List<OutgoingMessage> messages = IntStream.range(0, 12).mapToObj(i -> message("g" + i, "d" + i, "m" + i)).toList();

        assertThatThrownBy(() -> queue.send(HERE, messages))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("d3 (InternalError")
                .hasMessageContaining("after " + SqsCommitsQueue.SEND_ATTEMPTS + " attempts")
                .hasMessageContaining("the 2 message(s) after them were not sent");

        assertThat(sends.batchSizes()).containsExactly(10, 1, 1);
        assertThat(drain(queue, 9)).extracting(ReceivedMessage::body)
                .containsExactlyInAnyOrder("m0", "m1", "m2", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(queue.receive(10, NO_WAIT)).isEmpty();
    }

    @Test
    void send_shouldThrowInvalidInput_whenSqsRefusesAnEntry() {
        faults.refuse("bad");

        assertThatThrownBy(() -> queue.send(HERE, List.of(message("g", "good", "good"), message("g", "bad", "bad"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("bad (InvalidMessageContents");
        assertThat(drain(queue, 1)).extracting(ReceivedMessage::body).containsExactly("good");
    }

    @Test
    void send_shouldReachTheDestinationRegionsQueue() {
        ElasticMq.FifoQueue there = newQueue(THERE);
        Map<String, Object> urls = Map.of("queue.sqs.queue_urls", Map.of(HERE.value(), here.url(), THERE.value(), there.url()));
        SqsCommitsQueue source = open(HERE, urls);

        source.send(THERE, List.of(message("g", "1", "for us-east-1")));

        SqsCommitsQueue destination = open(THERE, urls);
        assertThat(drain(destination, 1)).extracting(ReceivedMessage::body).containsExactly("for us-east-1");
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void send_shouldLookTheQueueUpByName_whenNoUrlIsConfigured() {
        SqsCommitsQueue byName = open(HERE, Map.of("queue.sqs.queue_name", here.name()));

        byName.send(HERE, List.of(message("g", "1", "found by name")));

        assertThat(drain(byName, 1)).extracting(ReceivedMessage::body).containsExactly("found by name");
        assertThat(byName.url(HERE)).isEqualTo(here.url());
    }

    @Test
    void send_shouldFailNamingTheQueueAndRegion_whenTheQueueDoesNotExist() {
        SqsCommitsQueue absent = open(HERE, Map.of("queue.sqs.queue_name", "absent-queue.fifo"));

        assertThatThrownBy(() -> absent.send(THERE, List.of(message("g", "1", "lost?"))))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("absent-queue.fifo in us-east-1")
                .hasMessageContaining("does not exist");
    }

    @Test
    void receive_shouldRefuseToConsume_whenTheQueueHasNoDeadLetterQueue_whileSendingStillWorks() {
        String url = elasticMq.client().createQueue(b -> b.queueName("no-dlq-" + QUEUES.incrementAndGet() + ".fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                        QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false"))).queueUrl();
        SqsCommitsQueue noDlq = open(HERE, Map.of("queue.sqs.queue_urls", Map.of(HERE.value(), url)));

        noDlq.send(HERE, List.of(message("g", "1", "sent anyway")));

        assertThatThrownBy(() -> noDlq.receive(10, NO_WAIT))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("has no dead-letter queue")
                .hasMessageContaining(url)
                .hasMessageEndingWith("this process does not consume the queue until then");
        assertThatThrownBy(noDlq::verifyConsumerSetup).isInstanceOf(NonRetryableException.class);
    }

    @Test
    void verifyConsumerSetup_shouldRefuseAQueue_whoseMaxReceiveCountIsBelowThree() {
        int n = QUEUES.incrementAndGet();
        ElasticMq.FifoQueue low = elasticMq.createFifoQueue("low-budget-" + n + ".fifo", "low-budget-dlq-" + n + ".fifo", 2);
        SqsCommitsQueue lowBudget = open(HERE, Map.of("queue.sqs.queue_urls", Map.of(HERE.value(), low.url())));

        lowBudget.send(HERE, List.of(message("g", "1", "sent anyway")));

        assertThatThrownBy(lowBudget::verifyConsumerSetup)
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("maxReceiveCount 2")
                .hasMessageContaining("at least 3")
                .hasMessageContaining(low.url())
                .hasMessageEndingWith("this process does not consume the queue until then");
        assertThatThrownBy(() -> lowBudget.receive(10, NO_WAIT)).isInstanceOf(NonRetryableException.class);
    }

    @Test
    void maxReceiveCountAndVisibility_shouldComeFromTheQueuesOwnAttributes() {
        int n = QUEUES.incrementAndGet();
        ElasticMq.FifoQueue seven = elasticMq.createFifoQueue("seven-" + n + ".fifo", "seven-dlq-" + n + ".fifo", 7);
        SqsCommitsQueue q = open(HERE, Map.of("queue.sqs.queue_urls", Map.of(HERE.value(), seven.url())));

        assertThat(q.maxReceiveCount()).hasValue(7);
        assertThat(q.visibilityTimeout()).isPositive();
    }

    @Test
    void deadLetter_shouldKeepTheBodyGroupAndReason_inTheDeadLetterQueue() {
        queue.send(HERE, List.of(message("mirror-1/main", "1", "{not json")));
        ReceivedMessage poison = await().alias("the poison message").atMost(Duration.ofSeconds(60))
                .until(() -> queue.receive(1, NO_WAIT), l -> !l.isEmpty()).get(0);

        queue.deadLetter(poison, "undecodable: Unexpected end-of-input");

        List<Message> dead = await().alias("the dead letter").atMost(Duration.ofSeconds(60))
                .until(() -> deadLetters(here), l -> !l.isEmpty());
        Message letter = dead.get(0);
        assertThat(letter.body()).isEqualTo("{not json");
        assertThat(letter.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "mirror-1/main");
        assertThat(letter.messageAttributes().get(SqsCommitsQueue.REASON_ATTRIBUTE).stringValue())
                .isEqualTo("undecodable: Unexpected end-of-input");
        assertThat(letter.messageAttributes().get(SqsCommitsQueue.SOURCE_QUEUE_ATTRIBUTE).stringValue())
                .isEqualTo(here.url());
        assertThat(letter.messageAttributes().get(SqsCommitsQueue.MESSAGE_ID_ATTRIBUTE).stringValue())
                .isEqualTo(poison.messageId());
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void deadLetter_shouldFitTheLimit_whenTheBodyIsNearlyFullAndTheReasonLong() {
        String body = "p".repeat(SendBatches.MAX_BYTES - 300);
        queue.send(HERE, List.of(message("g", "1", body)));
        ReceivedMessage poison = await().alias("the large message").atMost(Duration.ofSeconds(60))
                .until(() -> queue.receive(1, NO_WAIT), l -> !l.isEmpty()).get(0);

        queue.deadLetter(poison, "r".repeat(5_000));

        List<Message> dead = await().alias("the dead letter").atMost(Duration.ofSeconds(60))
                .until(() -> deadLetters(here), l -> !l.isEmpty());
        assertThat(dead.get(0).body()).isEqualTo(body);
    }

    @Test
    void approximateDepth_shouldCountWaitingAndInFlightMessages() {
        queue.send(HERE, List.of(message("a", "1", "a"), message("b", "2", "b"), message("c", "3", "c")));
        await().alias("one message in flight").atMost(Duration.ofSeconds(60))
                .until(() -> queue.receive(1, NO_WAIT), l -> !l.isEmpty());

        assertThat(queue.approximateDepth()).isEqualTo(3);
    }

    /** Records every SendMessageBatch the adapter makes (before the fault injector changes it). */
    static final class SendRecorder implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        private final List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest> requests =
                java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public software.amazon.awssdk.core.SdkRequest modifyRequest(
                software.amazon.awssdk.core.interceptor.Context.ModifyRequest context,
                software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (context.request() instanceof software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest r) {
                requests.add(r);
            }
            return context.request();
        }

        List<Integer> batchSizes() {
            synchronized (requests) {
                return requests.stream().map(r -> r.entries().size()).toList();
            }
        }

        List<Integer> batchBytes() {
            synchronized (requests) {
                return requests.stream().map(r -> r.entries().stream()
                        .mapToInt(e -> e.messageBody().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum())
                        .toList();
            }
        }
    }

    /**
     * Makes the server not store chosen entries and reports them failed, as SQS does for an entry
     * it could not store: the entry is taken out of the request (a request left empty goes to a
     * sink queue nobody reads) and added to the response's failures.
     */
    static final class FaultInjector implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Map<String, String>> DROPPED =
                new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("lakemirror.dropped");
        private final Map<String, Integer> failing = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Boolean> refused = new java.util.concurrent.ConcurrentHashMap<>();
        volatile String sink;

        void failTimes(String deduplicationId, int times) {
            failing.put(deduplicationId, times);
        }

        void refuse(String deduplicationId) {
            refused.put(deduplicationId, true);
        }

        @Override
        public software.amazon.awssdk.core.SdkRequest modifyRequest(
                software.amazon.awssdk.core.interceptor.Context.ModifyRequest context,
                software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (!(context.request() instanceof software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest r)) {
                return context.request();
            }
            Map<String, String> dropped = new LinkedHashMap<>();
            List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> kept = new ArrayList<>();
            for (var entry : r.entries()) {
                String dedup = entry.messageDeduplicationId();
                if (refused.containsKey(dedup)) {
                    dropped.put(entry.id(), "refused");
                } else if (failing.getOrDefault(dedup, 0) > 0) {
                    failing.merge(dedup, -1, Integer::sum);
                    dropped.put(entry.id(), "failed");
                } else {
                    kept.add(entry);
                }
            }
            if (dropped.isEmpty()) {
                return r;
            }
            attributes.putAttribute(DROPPED, dropped);
            return kept.isEmpty() ? r.toBuilder().queueUrl(sink).build() : r.toBuilder().entries(kept).build();
        }

        @Override
        public software.amazon.awssdk.core.SdkResponse modifyResponse(
                software.amazon.awssdk.core.interceptor.Context.ModifyResponse context,
                software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            Map<String, String> dropped = attributes.getAttribute(DROPPED);
            if (dropped == null
                    || !(context.response() instanceof software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse r)) {
                return context.response();
            }
            List<software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry> failed = new ArrayList<>(r.failed());
            dropped.forEach((id, kind) -> failed.add(software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry
                    .builder().id(id).senderFault(kind.equals("refused"))
                    .code(kind.equals("refused") ? "InvalidMessageContents" : "InternalError")
                    .message("injected by the test").build()));
            return r.toBuilder()
                    .successful(r.successful().stream().filter(s -> !dropped.containsKey(s.id())).toList())
                    .failed(failed)
                    .build();
        }
    }
}
