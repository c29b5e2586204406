package io.lakemirror.aws.sqs;

import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the port's promise that a group's messages are handed out one at a time, although one SQS
 * FIFO receive may return several messages of one group. The first message of a group is handed
 * out; the ones behind it are held (still in flight in SQS, so no other consumer gets them) and
 * handed out one by one as the previous one is deleted or dead-lettered. When a message goes back
 * to the queue ({@code retryLater}) the held messages of its group go back with it, so the group
 * is delivered again in order. A held message is handed out only while at least half of its
 * visibility timeout is left; older ones are dropped and SQS delivers them again.
 *
 * <p>SQS never returns a message of a group while another message of that group is in flight, so a
 * group appearing in a receive means every earlier receipt of that group has lapsed: its held
 * messages are dropped and its outstanding message forgotten. An outstanding message that is
 * neither acknowledged nor kept alive by a heartbeat ({@link #touched}) for {@code outstandingLimit}
 * (the visibility timeout) has lapsed in SQS as well, and is forgotten too, so a consumer that
 * loses a message never leaves its group's bookkeeping behind. Thread-safe.
 */
final class GroupGate {
    private final Clock clock;
    private final Duration holdLimit;
    private final Duration outstandingLimit;
    private final Map<String, ArrayDeque<Held>> held = new LinkedHashMap<>();
    /** Groups with a message handed out, and when it was handed out or last kept alive. */
    private final Map<String, Instant> outstanding = new HashMap<>();

    private record Held(ReceivedMessage message, Instant receivedAt) {
    }

    /** @param holdLimit how long a received message may wait here before it is too old to hand out */
    GroupGate(Clock clock, Duration holdLimit) {
        this(clock, holdLimit, holdLimit.multipliedBy(2));
    }

    /**
     * @param holdLimit        how long a received message may wait here before it is too old to hand out
     * @param outstandingLimit after how long without acknowledgement or heartbeat a handed-out message
     *                         counts as lapsed (the queue's visibility timeout)
     */
    GroupGate(Clock clock, Duration holdLimit, Duration outstandingLimit) {
        this.clock = clock;
        this.holdLimit = holdLimit;
        this.outstandingLimit = outstandingLimit;
    }

    private void forgetLapsed(Instant now) {
        Instant oldest = now.minus(outstandingLimit);
        outstanding.values().removeIf(at -> at.isBefore(oldest));
    }

    private static String group(ReceivedMessage message) {
        return message.groupId() != null ? message.groupId() : "\u0000" + message.messageId();
    }

    /**
     * Held messages whose group has nothing outstanding, at most {@code max}; each one's group is
     * outstanding afterwards. Messages too old to hand out are passed to {@code dropped}.
     */
    synchronized List<ReceivedMessage> takeHeld(int max, Consumer<ReceivedMessage> dropped) {
        List<ReceivedMessage> out = new ArrayList<>();
        Instant now = clock.instant();
        forgetLapsed(now);
        Instant oldest = now.minus(holdLimit);
        for (Iterator<Map.Entry<String, ArrayDeque<Held>>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ArrayDeque<Held>> group = it.next();
            if (outstanding.containsKey(group.getKey())) {
                continue;
            }
            ArrayDeque<Held> queue = group.getValue();
            while (!queue.isEmpty() && queue.peekFirst().receivedAt().isBefore(oldest)) {
                dropped.accept(queue.pollFirst().message());
            }
            if (!queue.isEmpty() && out.size() < max) {
                out.add(queue.pollFirst().message());
                outstanding.put(group.getKey(), now);
            }
            if (queue.isEmpty()) {
                it.remove();
            }
        }
        return out;
    }

    /**
     * Sorts the messages of one receive, in their order: the first of each group is handed out
     * (at most {@code max} in all), the others are held.
     */
    synchronized List<ReceivedMessage> admit(List<ReceivedMessage> received) {
        Instant now = clock.instant();
        forgetLapsed(now);
        Set<String> seen = new HashSet<>();
        List<ReceivedMessage> out = new ArrayList<>();
        for (ReceivedMessage message : received) {
            String group = group(message);
            if (seen.add(group)) {
                held.remove(group);
                out.add(message);
                outstanding.put(group, now);
            } else {
                held.computeIfAbsent(group, g -> new ArrayDeque<>()).addLast(new Held(message, now));
            }
        }
        return out;
    }

    /** A heartbeat kept the message in flight: its group stays outstanding for another {@code outstandingLimit}. */
    synchronized void touched(ReceivedMessage message) {
        outstanding.computeIfPresent(group(message), (g, at) -> clock.instant());
    }

    /** Groups with a message handed out, for tests and the bound on bookkeeping. */
    synchronized int outstandingCount() {
        return outstanding.size();
    }

    /** The message was deleted or dead-lettered: the next held message of its group may go out. */
    synchronized void acknowledged(ReceivedMessage message) {
        outstanding.remove(group(message));
    }

    /** The message goes back to the queue: returns the held messages of its group, which must go back too. */
    synchronized List<ReceivedMessage> returned(ReceivedMessage message) {
        String group = group(message);
        outstanding.remove(group);
        ArrayDeque<Held> behind = held.remove(group);
        return behind == null ? List.of() : behind.stream().map(Held::message).toList();
    }

    /** Every held message, removed from here (to give them back when closing). */
    synchronized List<ReceivedMessage> drain() {
        List<ReceivedMessage> all = held.values().stream().flatMap(q -> q.stream().map(Held::message)).toList();
        held.clear();
        outstanding.clear();
        return all;
    }

    synchronized int heldCount() {
        return held.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
