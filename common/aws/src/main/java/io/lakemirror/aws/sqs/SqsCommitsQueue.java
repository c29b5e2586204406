package io.lakemirror.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.aws.AwsClients;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.queue.CommitsQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageNotInflightException;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The commits queue on Amazon SQS FIFO queues, one per region (ElasticMQ in tests).
 *
 * <ul>
 *   <li><b>Queues.</b> A region's queue URL comes from {@code queue.sqs.queue_urls}, or else from
 *       {@code GetQueueUrl(queue.sqs.queue_name)} in that region (cached). There is one client per
 *       AWS region, or one for all when {@code queue.sqs.endpoint} overrides the endpoint.</li>
 *   <li><b>Sending</b> checks every message first (size, IDs), then sends SendMessageBatch requests
 *       of at most 10 entries and 256 KiB, one after another, so each group keeps its order.
 *       Entries SQS reports as failed for a transient reason are resent (up to
 *       {@value #SEND_ATTEMPTS} attempts); entries it refuses, or that keep failing, raise an
 *       exception naming their deduplication IDs and nothing after them is sent. Resending the
 *       same list is always safe: SQS drops repeated deduplication IDs for five minutes.</li>
 *   <li><b>Receiving</b> long-polls whole seconds (a wait under one second is a short poll) and
 *       reads {@code ApproximateReceiveCount} and {@code MessageGroupId}. One SQS receive may return
 *       several messages of one group; as the port promises, only the first is handed out and the
 *       others are held until it is deleted or dead-lettered ({@link GroupGate}).</li>
 *   <li><b>Dead letters.</b> This region's dead-letter queue is the target of the queue's
 *       {@code RedrivePolicy}. A queue without one is refused when this class starts to consume
 *       ({@link #verifyConsumerSetup()}, the first {@link #receive} or {@link #deadLetter}) with a
 *       {@link NonRetryableException}: without a dead-letter queue, a message that can never be
 *       processed would block its FIFO group (mirror branch) for the queue's whole retention period
 *       and then vanish, and a message that crashes its consumer would be retried for ever.
 *       Sending needs no dead-letter queue, so a process that only sends is unaffected. A redrive
 *       policy whose {@code maxReceiveCount} is below {@value CommitsQueue#MIN_MAX_RECEIVE_COUNT} is
 *       refused the same way: the consumer needs one receive to check a message, one to hand it
 *       over, and one spare for a crash, or SQS moves messages before the consumer can act.</li>
 *   <li><b>Heartbeats.</b> {@link #extendVisibility} keeps a message hidden while it is handled,
 *       without giving it or the messages held behind it back.</li>
 * </ul>
 * Thread-safe; close it to release the clients it built.
 */
public final class SqsCommitsQueue implements CommitsQueue, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsCommitsQueue.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Message attribute of a dead letter: why it was moved. */
    public static final String REASON_ATTRIBUTE = "lakemirror.dead-letter-reason";
    /** Message attribute of a dead letter: the queue it came from. */
    public static final String SOURCE_QUEUE_ATTRIBUTE = "lakemirror.source-queue";
    /** Message attribute of a dead letter: how many times it had been received. */
    public static final String RECEIVE_COUNT_ATTRIBUTE = "lakemirror.receive-count";
    /** Message attribute of a dead letter: its message ID in the source queue. */
    public static final String MESSAGE_ID_ATTRIBUTE = "lakemirror.source-message-id";
    /** Group of dead letters that came without a group (only possible from a standard queue). */
    static final String DEFAULT_DEAD_LETTER_GROUP = "lakemirror-dead-letters";
    static final int MAX_REASON_CHARS = 1024;
    static final int SEND_ATTEMPTS = 3;
    static final int MAX_RECEIVE = 10;
    static final int MAX_WAIT_SECONDS = 20;
    static final int MAX_VISIBILITY_SECONDS = 12 * 60 * 60;
    /** SQS's default, assumed when a queue does not report its own. */
    static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> REFUSED_ENTRY_CODES = Set.of("InvalidParameterValue", "InvalidMessageContents",
            "MissingParameter", "AWS.SimpleQueueService.InvalidMessageContents");

    private final Region region;
    private final String queueName;
    private final Map<Region, String> configuredUrls;
    private final Function<Region, SqsClient> clientFactory;
    private final SqsClient sharedClient;
    private final boolean ownsClients;
    private final AutoCloseable credentials;
    private final Clock clock;
    private final ConcurrentMap<Region, SqsClient> clients = new ConcurrentHashMap<>();
    private final ConcurrentMap<Region, String> resolvedUrls = new ConcurrentHashMap<>();
    private final Object consumerLock = new Object();
    private volatile ConsumerQueues consumer;

    /**
     * A view of the queues from {@code region} over one client that reaches every region's queue
     * (a local server, or tests). The client stays the caller's.
     *
     * @param queueUrls explicit URLs per region; other regions are looked up by {@code queueName}
     */
    public SqsCommitsQueue(Region region, String queueName, Map<Region, String> queueUrls, SqsClient client) {
        this(region, queueName, queueUrls, null, Objects.requireNonNull(client, "client"), false, null,
                Clock.systemUTC());
    }

    private SqsCommitsQueue(Region region, String queueName, Map<Region, String> queueUrls,
                            Function<Region, SqsClient> clientFactory, SqsClient sharedClient, boolean ownsClients,
                            AutoCloseable credentials, Clock clock) {
        this.region = Objects.requireNonNull(region, "region");
        this.queueName = Objects.requireNonNull(queueName, "queueName");
        this.configuredUrls = Map.copyOf(queueUrls);
        this.clientFactory = clientFactory;
        this.sharedClient = sharedClient;
        this.ownsClients = ownsClients;
        this.credentials = credentials;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The queue as configured: {@code queue.*}, {@code region} and {@code aws.*}. */
    public static SqsCommitsQueue create(ReplicationConfig config) {
        return create(config, builder -> {
        });
    }

    /**
     * As {@link #create(ReplicationConfig)}, letting {@code customizer} adjust each client builder
     * last (tests add interceptors; tools may change timeouts).
     */
    public static SqsCommitsQueue create(ReplicationConfig config, Consumer<SqsClientBuilder> customizer) {
        ReplicationConfig.QueueSettings settings = config.queue();
        if (!"sqs".equals(settings.type())) {
            throw new InvalidInputException("queue.type " + settings.type() + " is not SQS; this adapter only serves"
                    + " queue.type sqs");
        }
        AwsCredentialsProvider credentials = AwsClients.credentials(config);
        Function<Region, SqsClient> factory = r -> {
            SqsClientBuilder builder = SqsClient.builder()
                    .region(AwsClients.awsRegion(r))
                    .credentialsProvider(credentials)
                    .httpClientBuilder(AwsClients.httpClient())
                    .overrideConfiguration(AwsClients.overrides());
            settings.sqsEndpoint().ifPresent(builder::endpointOverride);
            customizer.accept(builder);
            return builder.build();
        };
        SqsClient shared = settings.sqsEndpoint().isPresent() ? factory.apply(config.region()) : null;
        LOG.info("SQS commits queue of {}: queue {} ({} explicit URL(s)), endpoint {}", config.region(),
                settings.queueName(), settings.queueUrls().size(),
                settings.sqsEndpoint().map(Object::toString).orElse("of each region"));
        return new SqsCommitsQueue(config.region(), settings.queueName(), settings.queueUrls(),
                shared == null ? factory : null, shared, true,
                credentials instanceof AutoCloseable closeable ? closeable : null, Clock.systemUTC());
    }

    /**
     * Finds this region's queue and its dead-letter queue now, so that a missing queue or a queue
     * without a dead-letter queue stops a consumer at startup with a clear message. Called by the
     * first {@link #receive} otherwise.
     */
    public void verifyConsumerSetup() {
        consumer();
    }

    @Override
    public void send(Region destination, List<OutgoingMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<List<OutgoingMessage>> batches = SendBatches.split(messages, describe(destination));
        String url = url(destination);
        SqsClient client = client(destination);
        int left = messages.size();
        for (List<OutgoingMessage> batch : batches) {
            left -= batch.size();
            sendBatch(client, url, destination, batch, left);
        }
        LOG.trace("Sent {} message(s) in {} batch(es) to {} (queue {})", messages.size(), batches.size(),
                destination, url);
    }

    private void sendBatch(SqsClient client, String url, Region destination, List<OutgoingMessage> batch,
                           int notYetSent) {
        Map<String, OutgoingMessage> pending = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.put(Integer.toString(i), batch.get(i));
        }
        String where = describe(destination);
        for (int attempt = 1; ; attempt++) {
            List<SendMessageBatchRequestEntry> entries = pending.entrySet().stream()
                    .map(e -> SendMessageBatchRequestEntry.builder()
                            .id(e.getKey())
                            .messageBody(e.getValue().body())
                            .messageGroupId(e.getValue().groupId())
                            .messageDeduplicationId(e.getValue().deduplicationId())
                            .build())
                    .toList();
            SendMessageBatchResponse response;
            try {
                response = client.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
            } catch (SdkException e) {
                throw SqsErrors.translate(e, "sending " + entries.size() + " message(s) " + dedupIds(pending.values()),
                        where, "they and the " + notYetSent + " message(s) after them were not sent (or not all):"
                                + " send the same list again (its deduplication IDs make that safe)");
            }
            if (response.failed().isEmpty()) {
                return;
            }
            warnIfOrderBroken(pending, response, where);
            List<BatchResultErrorEntry> refused = response.failed().stream().filter(BatchResultErrorEntry::senderFault)
                    .toList();
            if (!refused.isEmpty()) {
                String failures = describeFailures(refused, pending);
                String message = "SQS refused message(s) for " + where + ": " + failures + "; the "
                        + (response.failed().size() - refused.size()) + " other failed message(s) of their batch and the "
                        + notYetSent + " message(s) after it were not sent";
                boolean badInput = refused.stream().allMatch(f -> REFUSED_ENTRY_CODES.contains(f.code()));
                throw badInput ? new InvalidInputException(message) : new NonRetryableException(message);
            }
            Set<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).collect(Collectors.toSet());
            String failures = describeFailures(response.failed(), pending);
            pending.keySet().retainAll(failedIds);
            if (attempt >= SEND_ATTEMPTS) {
                throw new RetryableException("sending to " + where + " failed for " + failures + " after "
                        + SEND_ATTEMPTS + " attempts; the " + notYetSent + " message(s) after them were not sent:"
                        + " send the same list again later (its deduplication IDs make that safe)");
            }
            LOG.debug("Resending {} message(s) SQS did not store in {} (attempt {} of {}): {}", pending.size(), where,
                    attempt + 1, SEND_ATTEMPTS, failures);
        }
    }

    /** A failed entry followed by a stored entry of the same group means that group is now out of order. */
    private static void warnIfOrderBroken(Map<String, OutgoingMessage> pending, SendMessageBatchResponse response,
                                          String where) {
        Set<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).collect(Collectors.toSet());
        Set<String> blockedGroups = new HashSet<>();
        for (Map.Entry<String, OutgoingMessage> entry : pending.entrySet()) {
            String group = entry.getValue().groupId();
            if (failedIds.contains(entry.getKey())) {
                blockedGroups.add(group);
            } else if (blockedGroups.contains(group)) {
                LOG.warn("Message {} of group {} was stored in {} although an earlier message of its group was not;"
                                + " that group is out of order until the sequence is resent (validators order by sequence)",
                        entry.getValue().deduplicationId(), group, where);
            }
        }
    }

    private static String describeFailures(List<BatchResultErrorEntry> failed, Map<String, OutgoingMessage> pending) {
        return failed.stream()
                .map(f -> {
                    OutgoingMessage m = pending.get(f.id());
                    return (m == null ? "entry " + f.id() : m.deduplicationId()) + " (" + f.code()
                            + (f.message() == null ? "" : ": " + f.message()) + ")";
                })
                .collect(Collectors.joining(", "));
    }

    private static String dedupIds(Collection<OutgoingMessage> messages) {
        return messages.stream().map(OutgoingMessage::deduplicationId).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public List<ReceivedMessage> receive(int max, Duration wait) {
        if (max < 1) {
            throw new IllegalArgumentException("receive needs max >= 1, got " + max);
        }
        ConsumerQueues queues = consumer();
        List<ReceivedMessage> ready = queues.gate().takeHeld(max, m -> LOG.trace(
                "Dropped held message {} of group {}: too little of its visibility timeout is left (SQS delivers it again)",
                m.messageId(), m.groupId()));
        if (!ready.isEmpty()) {
            return ready;
        }
        int waitSeconds = (int) Math.min(MAX_WAIT_SECONDS, Math.max(0, wait.toSeconds()));
        List<ReceivedMessage> received;
        try {
            // A fresh attempt ID per call: the SDK's own retries reuse it, so SQS answers a retried
            // receive with the same messages instead of hiding them until their visibility lapses.
            received = client(region).receiveMessage(b -> b.queueUrl(queues.url())
                            .maxNumberOfMessages(Math.min(max, MAX_RECEIVE))
                            .waitTimeSeconds(waitSeconds)
                            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                    MessageSystemAttributeName.MESSAGE_GROUP_ID)
                            .receiveRequestAttemptId(UUID.randomUUID().toString()))
                    .messages().stream()
                    .map(m -> new ReceivedMessage(m.messageId(), m.body(),
                            receiveCount(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)),
                            m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                            new Receipt(m.receiptHandle())))
                    .toList();
        } catch (AbortedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "receiving messages", describe(region), "nothing was received");
        }
        return queues.gate().admit(received);
    }

    private static int receiveCount(String value) {
        if (value == null) {
            return 1;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    @Override
    public void delete(ReceivedMessage message) {
        Receipt receipt = receipt(message);
        try {
            client(region).deleteMessage(b -> b.queueUrl(url(region)).receiptHandle(receipt.handle()));
            acknowledged(message);
        } catch (ReceiptHandleIsInvalidException e) {
            acknowledged(message);
            throw new NonRetryableException("deleting message " + message.messageId() + " from " + describe(region)
                    + " failed: its receipt is no longer valid (its visibility timeout ran out or it was deleted);"
                    + " it will be delivered again if it is still there, and processing it again is harmless", e);
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "deleting message " + message.messageId(), describe(region),
                    "it will be delivered again after its visibility timeout");
        }
    }

    @Override
    public void retryLater(ReceivedMessage message, Duration delay) {
        Receipt receipt = receipt(message);
        int seconds = visibilitySeconds(delay);
        try {
            client(region).changeMessageVisibility(b -> b.queueUrl(url(region)).receiptHandle(receipt.handle())
                    .visibilityTimeout(seconds));
        } catch (MessageNotInflightException | ReceiptHandleIsInvalidException e) {
            LOG.trace("Message {} is no longer in flight in {} (it will be delivered again anyway): {}",
                    message.messageId(), describe(region), e.getMessage());
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "delaying message " + message.messageId() + " by " + seconds + " s",
                    describe(region), "it will be delivered again after its current visibility timeout");
        } finally {
            ConsumerQueues queues = consumer;
            if (queues != null) {
                giveBack(queues.gate().returned(message));
            }
        }
    }

    @Override
    public void extendVisibility(ReceivedMessage message, Duration visibility) {
        Receipt receipt = receipt(message);
        int seconds = visibilitySeconds(visibility);
        try {
            client(region).changeMessageVisibility(b -> b.queueUrl(url(region)).receiptHandle(receipt.handle())
                    .visibilityTimeout(seconds));
        } catch (MessageNotInflightException | ReceiptHandleIsInvalidException e) {
            throw new NonRetryableException("keeping message " + message.messageId() + " hidden in "
                    + describe(region) + " failed: it is no longer in flight (its visibility timeout ran out); it"
                    + " is delivered again, and handling it twice is harmless", e);
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "keeping message " + message.messageId() + " hidden for " + seconds + " s",
                    describe(region), "the next heartbeat tries again before its visibility timeout runs out");
        }
        ConsumerQueues queues = consumer;
        if (queues != null) {
            queues.gate().touched(message);
        }
    }

    @Override
    public Duration visibilityTimeout() {
        return consumer().visibility();
    }

    @Override
    public OptionalInt maxReceiveCount() {
        return OptionalInt.of(consumer().maxReceiveCount());
    }

    private void acknowledged(ReceivedMessage message) {
        ConsumerQueues queues = consumer;
        if (queues != null) {
            queues.gate().acknowledged(message);
        }
    }

    /**
     * Makes held messages visible again. Their group stays locked in SQS while the message before
     * them is in flight, so they cannot overtake it; a failure only delays them until their
     * visibility timeout.
     */
    private void giveBack(List<ReceivedMessage> held) {
        for (ReceivedMessage message : held) {
            try {
                client(region).changeMessageVisibility(b -> b.queueUrl(url(region))
                        .receiptHandle(receipt(message).handle()).visibilityTimeout(0));
            } catch (SdkException e) {
                LOG.debug("Could not give message {} back to {} at once ({}); it returns after its visibility timeout",
                        message.messageId(), describe(region), AwsClients.describe(e));
            }
        }
    }

    /** SQS counts visibility in whole seconds: a delay rounds up, so "later" is never "now". */
    static int visibilitySeconds(Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            return 0;
        }
        long millis = delay.toMillis();
        long seconds = millis / 1000 + (millis % 1000 == 0 ? 0 : 1);
        return (int) Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, seconds));
    }

    @Override
    public void deadLetter(ReceivedMessage message, String reason) {
        Receipt receipt = receipt(message);
        ConsumerQueues queues = consumer();
        Map<String, MessageAttributeValue> attributes = deadLetterAttributes(message, reason, queues.url());
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(queues.deadLetterUrl())
                .messageBody(message.body())
                .messageAttributes(attributes);
        if (queues.deadLetterFifo()) {
            // The source message ID as deduplication ID: if this process dies between the send and the
            // delete, moving the redelivered message again within five minutes adds no second copy.
            request.messageGroupId(message.groupId() == null ? DEFAULT_DEAD_LETTER_GROUP : message.groupId())
                    .messageDeduplicationId(message.messageId());
        }
        try {
            client(region).sendMessage(request.build());
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "moving message " + message.messageId() + " to the dead-letter queue",
                    "queue " + queues.deadLetterName() + " in " + region,
                    "it stays in " + describe(region) + " and is delivered again after its visibility timeout");
        }
        try {
            client(region).deleteMessage(b -> b.queueUrl(queues.url()).receiptHandle(receipt.handle()));
            queues.gate().acknowledged(message);
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "deleting dead-lettered message " + message.messageId(), describe(region),
                    "it is in the dead-letter queue and will be delivered once more, then moved again");
        }
        LOG.warn("Moved message {} (group {}, received {} time(s)) from {} to dead-letter queue {}: {}",
                message.messageId(), message.groupId(), message.receiveCount(), describe(region),
                queues.deadLetterName(), reason);
    }

    private static Map<String, MessageAttributeValue> deadLetterAttributes(ReceivedMessage message, String reason,
                                                                           String sourceUrl) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(SOURCE_QUEUE_ATTRIBUTE, string(sourceUrl));
        attributes.put(RECEIVE_COUNT_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number")
                .stringValue(Integer.toString(message.receiveCount())).build());
        attributes.put(MESSAGE_ID_ATTRIBUTE, string(message.messageId()));
        // Attributes count towards the 256 KiB a message may hold; the body is kept whole, the reason shortened.
        int used = message.body().getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
            used += a.getKey().length() + a.getValue().dataType().length()
                    + a.getValue().stringValue().getBytes(StandardCharsets.UTF_8).length;
        }
        int room = SendBatches.MAX_BYTES - used - REASON_ATTRIBUTE.length() - "String".length() - 16;
        String text = reason == null || reason.isBlank() ? "(no reason given)" : reason;
        String shortened = truncate(text, Math.min(MAX_REASON_CHARS, Math.max(0, room / 4)));
        if (!shortened.isEmpty()) {
            attributes.put(REASON_ATTRIBUTE, string(shortened));
        }
        return attributes;
    }

    private static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    @Override
    public long approximateDepth() {
        try {
            Map<QueueAttributeName, String> attributes = client(region).getQueueAttributes(b -> b.queueUrl(url(region))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return parseCount(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + parseCount(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "reading the queue depth", describe(region), "the metric is not updated");
        }
    }

    private static long parseCount(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Receipt receipt(ReceivedMessage message) {
        if (message.handle() instanceof Receipt receipt) {
            return receipt;
        }
        throw new IllegalArgumentException("message " + message.messageId() + " was not received from SQS by this"
                + " adapter (handle " + message.handle() + ")");
    }

    /** The URL of {@code r}'s commits queue: configured, or looked up once by name. */
    String url(Region r) {
        String configured = configuredUrls.get(r);
        if (configured != null) {
            return configured;
        }
        String cached = resolvedUrls.get(r);
        if (cached != null) {
            return cached;
        }
        try {
            String url = client(r).getQueueUrl(b -> b.queueName(queueName)).queueUrl();
            resolvedUrls.putIfAbsent(r, url);
            LOG.info("Commits queue {} of {} is {}", queueName, r, url);
            return url;
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "looking up the queue URL", describe(r),
                    "nothing is sent to or received from it until it exists");
        }
    }

    private ConsumerQueues consumer() {
        ConsumerQueues current = consumer;
        if (current != null) {
            return current;
        }
        synchronized (consumerLock) {
            if (consumer == null) {
                consumer = resolveConsumer();
            }
            return consumer;
        }
    }

    private ConsumerQueues resolveConsumer() {
        String url = url(region);
        SqsClient client = client(region);
        String where = describe(region);
        String redrive;
        Duration visibility;
        try {
            Map<QueueAttributeName, String> attributes = client.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY, QueueAttributeName.VISIBILITY_TIMEOUT)).attributes();
            redrive = attributes.get(QueueAttributeName.REDRIVE_POLICY);
            visibility = Duration.ofSeconds(parseCount(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)));
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "reading the redrive policy", where, "this process does not consume it yet");
        }
        if (redrive == null || redrive.isBlank()) {
            throw new NonRetryableException(where + " has no dead-letter queue (no RedrivePolicy): a message that can"
                    + " never be processed would block its mirror branch until the queue's retention drops it."
                    + " Give the queue a FIFO dead-letter queue (the CDK stack does); this process does not consume"
                    + " the queue until then");
        }
        int maxReceiveCount = maxReceiveCount(redrive, where);
        if (maxReceiveCount < MIN_MAX_RECEIVE_COUNT) {
            throw new NonRetryableException("the RedrivePolicy of " + where + " has maxReceiveCount " + maxReceiveCount
                    + ", below the " + MIN_MAX_RECEIVE_COUNT + " a consumer needs (one receive to check a message, one"
                    + " to hand it over before SQS moves it, one spare for a crash): raise it to at least "
                    + MIN_MAX_RECEIVE_COUNT + " (the CDK stack uses " + DEFAULT_MAX_RECEIVE_COUNT + "); this process"
                    + " does not consume the queue until then");
        }
        String arn = deadLetterTargetArn(redrive, where);
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !"sqs".equals(parts[2]) || parts[5].isEmpty()) {
            throw new NonRetryableException("the RedrivePolicy of " + where + " names \"" + arn + "\", which is not an"
                    + " SQS queue ARN; fix the policy, this process does not consume the queue until then");
        }
        String dlqName = parts[5];
        String dlqUrl;
        try {
            dlqUrl = client.getQueueUrl(b -> b.queueName(dlqName).queueOwnerAWSAccountId(parts[4])).queueUrl();
        } catch (SdkException e) {
            throw SqsErrors.translate(e, "looking up the dead-letter queue URL", "queue " + dlqName + " in " + region,
                    "this process does not consume " + describe(region) + " until it exists");
        }
        if (visibility.isZero()) {
            visibility = DEFAULT_VISIBILITY_TIMEOUT;
        }
        ConsumerQueues resolved = new ConsumerQueues(url, dlqUrl, dlqName, dlqName.endsWith(".fifo"),
                new GroupGate(clock, visibility.dividedBy(2), visibility), visibility, maxReceiveCount);
        LOG.info("Consuming {} ({}, visibility timeout {} s); dead letters go to {} ({}) after {} receives", where, url,
                visibility.toSeconds(), dlqName, dlqUrl, maxReceiveCount);
        return resolved;
    }

    /** The redrive policy's {@code maxReceiveCount}, which SQS reports as a string and CloudFormation as a number. */
    static int maxReceiveCount(String redrive, String where) {
        try {
            JsonNode policy = JSON.readTree(redrive);
            JsonNode count = policy == null ? null : policy.get("maxReceiveCount");
            if (count != null && (count.isIntegralNumber() || count.isTextual())) {
                long value = Long.parseLong(count.asText().trim());
                if (value >= 1 && value <= Integer.MAX_VALUE) {
                    return (int) value;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.trace("RedrivePolicy of {} has no readable maxReceiveCount: {}", where, e.getMessage());
        }
        throw new NonRetryableException("the RedrivePolicy of " + where + " has no valid maxReceiveCount (" + redrive
                + "); fix the policy, this process does not consume the queue until then");
    }

    private static String deadLetterTargetArn(String redrive, String where) {
        try {
            JsonNode policy = JSON.readTree(redrive);
            JsonNode arn = policy == null ? null : policy.get("deadLetterTargetArn");
            if (arn != null && arn.isTextual() && !arn.asText().isBlank()) {
                return arn.asText();
            }
        } catch (IOException e) {
            LOG.trace("RedrivePolicy of {} is not JSON: {}", where, e.getMessage());
        }
        throw new NonRetryableException("the RedrivePolicy of " + where + " has no deadLetterTargetArn (" + redrive
                + "); fix the policy, this process does not consume the queue until then");
    }

    private SqsClient client(Region r) {
        return sharedClient != null ? sharedClient : clients.computeIfAbsent(r, clientFactory);
    }

    private String describe(Region r) {
        String configured = configuredUrls.get(r);
        return configured != null ? "queue " + configured + " in " + r : "queue " + queueName + " in " + r;
    }

    @Override
    public void close() {
        ConsumerQueues queues = consumer;
        if (queues != null) {
            giveBack(queues.gate().drain());
        }
        if (!ownsClients) {
            return;
        }
        List<SqsClient> owned = new ArrayList<>(clients.values());
        if (sharedClient != null) {
            owned.add(sharedClient);
        }
        owned.forEach(SqsClient::close);
        clients.clear();
        if (credentials != null) {
            try {
                credentials.close();
            } catch (Exception e) {
                LOG.debug("Closing the AWS credentials provider failed: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "SqsCommitsQueue[" + region + ", " + queueName + "]";
    }

    /** The receipt of a received message, kept in {@link ReceivedMessage#handle()}. */
    record Receipt(String handle) {
        @Override
        public String toString() {
            return "Receipt[" + (handle.length() > 16 ? handle.substring(0, 16) + "…" : handle) + "]";
        }
    }

    /** This region's queue and its dead-letter queue, found once. */
    private record ConsumerQueues(String url, String deadLetterUrl, String deadLetterName, boolean deadLetterFifo,
                                  GroupGate gate, Duration visibility, int maxReceiveCount) {
    }
}
