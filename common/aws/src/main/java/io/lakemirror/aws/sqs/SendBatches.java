package io.lakemirror.aws.sqs;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits messages into consecutive SendMessageBatch requests within SQS's limits, keeping their
 * order, so that sending the batches one after another keeps every group in order.
 */
final class SendBatches {
    /** Entries per SendMessageBatch. */
    static final int MAX_ENTRIES = 10;
    /** Largest message, and largest sum of messages in one batch (256 KiB). */
    static final int MAX_BYTES = 256 * 1024;
    /** Longest MessageGroupId and MessageDeduplicationId SQS accepts. */
    static final int MAX_ID_LENGTH = 128;

    private SendBatches() {
    }

    /** Size SQS counts for a message without attributes: its body in UTF-8. */
    static int size(OutgoingMessage message) {
        return message.body().getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Checks every message before any is sent, then splits them. Throws
     * {@link InvalidInputException} naming the first message SQS would refuse.
     */
    static List<List<OutgoingMessage>> split(List<OutgoingMessage> messages, String where) {
        List<List<OutgoingMessage>> batches = new ArrayList<>();
        List<OutgoingMessage> current = new ArrayList<>();
        int currentBytes = 0;
        for (OutgoingMessage message : messages) {
            int bytes = check(message, where);
            if (current.size() == MAX_ENTRIES || currentBytes + bytes > MAX_BYTES) {
                batches.add(List.copyOf(current));
                current.clear();
                currentBytes = 0;
            }
            current.add(message);
            currentBytes += bytes;
        }
        if (!current.isEmpty()) {
            batches.add(List.copyOf(current));
        }
        return batches;
    }

    private static int check(OutgoingMessage message, String where) {
        String dedup = message.deduplicationId();
        String group = message.groupId();
        if (group == null || group.isEmpty() || group.length() > MAX_ID_LENGTH
                || dedup == null || dedup.isEmpty() || dedup.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException("message for " + where + " (group \"" + group + "\", deduplication ID \""
                    + dedup + "\") needs a group ID and a deduplication ID of 1 to " + MAX_ID_LENGTH
                    + " characters; nothing of this call was sent");
        }
        if (message.body() == null || message.body().isEmpty()) {
            throw new InvalidInputException("message " + dedup + " for " + where
                    + " has an empty body, which SQS refuses; nothing of this call was sent");
        }
        int bytes = size(message);
        if (bytes > MAX_BYTES) {
            throw new InvalidInputException("message " + dedup + " for " + where + " is " + bytes
                    + " bytes, over SQS's limit of " + MAX_BYTES + " bytes: split it or send its commits by claim"
                    + " check; nothing of this call was sent");
        }
        return bytes;
    }
}
