package io.lakemirror.queue;

import io.lakemirror.domain.Region;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * An in-memory FIFO queue per region for unit tests, with the SQS FIFO behaviour the service relies
 * on: per-group order with one message in flight per group, deduplication by ID within SQS's
 * five-minute window, visibility timeouts (and heartbeats that extend them), receive counts, a
 * dead-letter list and, when built with a {@code maxReceiveCount}, SQS's redrive: a message
 * received that many times goes to the dead-letter list instead of being delivered again. Not a
 * replacement for the contract test against ElasticMQ.
 */
public final class InMemoryCommitsQueue {
    /** SQS FIFO's deduplication window. */
    static final Duration DEDUPLICATION_WINDOW = Duration.ofMinutes(5);

    private final Map<Region, RegionQueue> queues = new HashMap<>();
    private final Duration visibilityTimeout;
    private final OptionalInt maxReceiveCount;

    /** Queues without a redrive policy: a message is delivered again however often it was received. */
    public InMemoryCommitsQueue(Duration visibilityTimeout) {
        this(visibilityTimeout, OptionalInt.empty());
    }

    /** Queues whose redrive policy moves a message to the dead-letter list after {@code maxReceiveCount} receives. */
    public InMemoryCommitsQueue(Duration visibilityTimeout, int maxReceiveCount) {
        this(visibilityTimeout, OptionalInt.of(maxReceiveCount));
    }

    private InMemoryCommitsQueue(Duration visibilityTimeout, OptionalInt maxReceiveCount) {
        this.visibilityTimeout = visibilityTimeout;
        this.maxReceiveCount = maxReceiveCount;
        maxReceiveCount.ifPresent(n -> {
            if (n < 1) {
                throw new IllegalArgumentException("maxReceiveCount must be at least 1, got " + n);
            }
        });
    }

    /** The queue as seen from {@code region}: it receives from that region's queue and sends anywhere. */
    public synchronized CommitsQueue forRegion(Region region) {
        queues.computeIfAbsent(region, r -> new RegionQueue());
        return new View(region);
    }

    /** Messages moved to {@code region}'s dead-letter queue, with their reasons. */
    public synchronized List<DeadLetter> deadLetters(Region region) {
        return List.copyOf(queues.computeIfAbsent(region, r -> new RegionQueue()).deadLetters);
    }

    /** Bodies waiting or in flight in {@code region}'s queue, in send order. */
    public synchronized List<String> bodies(Region region) {
        return queues.computeIfAbsent(region, r -> new RegionQueue()).messages.stream().map(m -> m.body).toList();
    }

    public record DeadLetter(String body, String reason) {
    }

    private static final class Stored {
        final String id = UUID.randomUUID().toString();
        final String groupId;
        final String body;
        int receiveCount;
        long visibleAtNanos;
        boolean inFlight;

        Stored(String groupId, String body) {
            this.groupId = groupId;
            this.body = body;
        }
    }

    private static final class RegionQueue {
        final List<Stored> messages = new ArrayList<>();
        /** Deduplication IDs with when they were sent, oldest first; pruned past the window. */
        final LinkedHashMap<String, Long> deduplicationIds = new LinkedHashMap<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();

        boolean firstWithin(String deduplicationId, long nowNanos) {
            long windowStart = nowNanos - DEDUPLICATION_WINDOW.toNanos();
            for (Iterator<Long> it = deduplicationIds.values().iterator(); it.hasNext(); ) {
                if (it.next() - windowStart >= 0) {
                    break;
                }
                it.remove();
            }
            return deduplicationIds.putIfAbsent(deduplicationId, nowNanos) == null;
        }
    }

    private final class View implements CommitsQueue {
        private final Region region;

        View(Region region) {
            this.region = region;
        }

        @Override
        public void send(Region destination, List<OutgoingMessage> messages) {
            synchronized (InMemoryCommitsQueue.this) {
                RegionQueue q = queues.computeIfAbsent(destination, r -> new RegionQueue());
                long now = System.nanoTime();
                for (OutgoingMessage m : messages) {
                    if (q.firstWithin(m.deduplicationId(), now)) {
                        q.messages.add(new Stored(m.groupId(), m.body()));
                    }
                }
                InMemoryCommitsQueue.this.notifyAll();
            }
        }

        @Override
        public List<ReceivedMessage> receive(int max, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            synchronized (InMemoryCommitsQueue.this) {
                while (true) {
                    List<ReceivedMessage> out = take(max);
                    long left = deadline - System.nanoTime();
                    if (!out.isEmpty() || left <= 0) {
                        return out;
                    }
                    try {
                        InMemoryCommitsQueue.this.wait(Math.max(1, Math.min(left / 1_000_000, 20)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return List.of();
                    }
                }
            }
        }

        private List<ReceivedMessage> take(int max) {
            RegionQueue q = queues.get(region);
            long now = System.nanoTime();
            Set<String> blockedGroups = new HashSet<>();
            List<ReceivedMessage> out = new ArrayList<>();
            for (Iterator<Stored> it = q.messages.iterator(); it.hasNext(); ) {
                Stored m = it.next();
                if (m.inFlight && m.visibleAtNanos - now <= 0) {
                    m.inFlight = false;
                }
                if (out.size() == max || blockedGroups.contains(m.groupId)) {
                    continue;
                }
                if (!m.inFlight && maxReceiveCount.isPresent() && m.receiveCount >= maxReceiveCount.getAsInt()) {
                    it.remove();
                    q.deadLetters.add(new DeadLetter(m.body, "received " + m.receiveCount + " times: the redrive"
                            + " policy's maxReceiveCount " + maxReceiveCount.getAsInt() + " moved it"));
                    continue;
                }
                blockedGroups.add(m.groupId);
                if (!m.inFlight) {
                    m.inFlight = true;
                    m.receiveCount++;
                    m.visibleAtNanos = now + visibilityTimeout.toNanos();
                    out.add(new ReceivedMessage(m.id, m.body, m.receiveCount, m.groupId, m.id));
                }
            }
            return out;
        }

        @Override
        public void delete(ReceivedMessage message) {
            synchronized (InMemoryCommitsQueue.this) {
                queues.get(region).messages.removeIf(m -> m.id.equals(message.handle()));
                InMemoryCommitsQueue.this.notifyAll();
            }
        }

        @Override
        public void retryLater(ReceivedMessage message, Duration delay) {
            synchronized (InMemoryCommitsQueue.this) {
                for (Stored m : queues.get(region).messages) {
                    if (m.id.equals(message.handle())) {
                        m.visibleAtNanos = System.nanoTime() + delay.toNanos();
                    }
                }
                InMemoryCommitsQueue.this.notifyAll();
            }
        }

        @Override
        public void deadLetter(ReceivedMessage message, String reason) {
            synchronized (InMemoryCommitsQueue.this) {
                RegionQueue q = queues.get(region);
                for (Iterator<Stored> it = q.messages.iterator(); it.hasNext(); ) {
                    Stored m = it.next();
                    if (m.id.equals(message.handle())) {
                        it.remove();
                        q.deadLetters.add(new DeadLetter(m.body, reason));
                    }
                }
                InMemoryCommitsQueue.this.notifyAll();
            }
        }

        @Override
        public long approximateDepth() {
            synchronized (InMemoryCommitsQueue.this) {
                return queues.get(region).messages.size();
            }
        }

        @Override
        public void extendVisibility(ReceivedMessage message, Duration visibility) {
            synchronized (InMemoryCommitsQueue.this) {
                for (Stored m : queues.get(region).messages) {
                    if (m.id.equals(message.handle()) && m.inFlight) {
                        m.visibleAtNanos = System.nanoTime() + visibility.toNanos();
                    }
                }
            }
        }

        @Override
        public Duration visibilityTimeout() {
            return visibilityTimeout;
        }

        @Override
        public OptionalInt maxReceiveCount() {
            return maxReceiveCount;
        }
    }
}
