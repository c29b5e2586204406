package io.lakemirror.queue;

import io.lakemirror.domain.Region;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * The FIFO queue of each region that carries {@code CommitsDetected} from source sensors to the
 * destination's validators. Messages of one group (mirror + branch) are delivered in order, one
 * at a time; a message whose deduplication ID was seen recently is dropped.
 */
public interface CommitsQueue {

    /**
     * Receives after which the queue's redrive policy moves a message to the dead-letter queue: what
     * the CDK app and the test world create, and the validator's receive budget when nothing else is
     * known. The validator hands a message over before its last receive, so this is never silent.
     */
    int DEFAULT_MAX_RECEIVE_COUNT = 5;

    /**
     * The lowest {@code maxReceiveCount} a consumer accepts: one receive to check a message, one to
     * hand it over before the redrive policy would move it silently, and one spare for a consumer
     * that dies mid-message. A consumer refuses a queue below it at startup.
     */
    int MIN_MAX_RECEIVE_COUNT = 3;

    /** Sends messages to {@code destination}'s queue in order; each must be under the queue's size limit. */
    void send(Region destination, List<OutgoingMessage> messages);

    /** Receives up to {@code max} messages of this region's queue, waiting at most {@code wait} for the first. */
    List<ReceivedMessage> receive(int max, Duration wait);

    /** Acknowledges a message: it will not be delivered again. */
    void delete(ReceivedMessage message);

    /** Hides a message from consumers for {@code delay}, after which it is delivered again. */
    void retryLater(ReceivedMessage message, Duration delay);

    /** Moves a message that can never be processed to this region's dead-letter queue, with the reason. */
    void deadLetter(ReceivedMessage message, String reason);

    /** Approximate number of messages waiting in this region's queue, for metrics. */
    long approximateDepth();

    /**
     * Keeps a received message hidden from every consumer for {@code visibility} from now, without
     * giving it back (a heartbeat while it is handled; added by issue 19). The message stays this
     * consumer's: it is still acknowledged with {@link #delete}, {@link #retryLater} or
     * {@link #deadLetter}, and the messages held behind it in its group stay held.
     */
    void extendVisibility(ReceivedMessage message, Duration visibility);

    /**
     * How long a received message of this region's queue stays hidden unless extended (the queue's
     * visibility timeout; added by issue 19). The consumer sends heartbeats well within it.
     */
    Duration visibilityTimeout();

    /**
     * The receives after which this region's queue moves a message to its dead-letter queue (the
     * {@code maxReceiveCount} of its redrive policy; added by issue 19), or empty when the
     * implementation has no redrive policy (a test fake). The validator takes its receive budget
     * from it.
     */
    OptionalInt maxReceiveCount();

    /**
     * @param groupId         messages of one group are delivered in order (mirror + branch)
     * @param deduplicationId a repeated ID within the queue's deduplication window is dropped
     */
    record OutgoingMessage(String groupId, String deduplicationId, String body) {
    }

    /**
     * @param receiveCount how many times this message was delivered, this time included
     * @param handle       the receipt, opaque to callers
     */
    record ReceivedMessage(String messageId, String body, int receiveCount, String groupId, Object handle) {
    }
}
