package io.lakemirror.validator;

import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every received message hidden while this validator holds it: from the receive until its
 * outcome is carried out, a heartbeat every third of the queue's visibility timeout extends it by a
 * whole timeout ({@link CommitsQueue#extendVisibility}). Without it a message whose check outlasts
 * the timeout (a slow bucket, a large metarange, messages waiting behind others of the batch) is
 * delivered to a second consumer and spends a receive of its budget for nothing.
 *
 * <p>A heartbeat and the outcome of one message never interleave: the outcome is carried out under
 * the message's own lock, after which no heartbeat touches it, so a heartbeat can never undo a
 * "retry later" or touch a deleted receipt. Thread: {@code validator-heartbeat}.
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private static final Duration SHORTEST_PERIOD = Duration.ofMillis(100);

    private final CommitsQueue queue;
    private final Duration visibility;
    private final ValidatorMetrics metrics;
    private final Map<ReceivedMessage, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    /** One message between its receive and its outcome. */
    private static final class Held {
        boolean done;
    }

    Heartbeats(CommitsQueue queue, Duration visibility, ValidatorMetrics metrics) {
        this.queue = queue;
        this.visibility = visibility;
        this.metrics = metrics;
        Duration third = visibility.dividedBy(3);
        Duration period = third.compareTo(SHORTEST_PERIOD) < 0 ? SHORTEST_PERIOD : third;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "validator-heartbeat");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::beat, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts keeping {@code message} hidden. */
    void hold(ReceivedMessage message) {
        held.put(message, new Held());
    }

    /** Stops the heartbeat of {@code message} and then carries out its outcome, never concurrently with a beat. */
    void release(ReceivedMessage message, Runnable outcome) {
        Held h = held.remove(message);
        if (h == null) {
            outcome.run();
            return;
        }
        synchronized (h) {
            h.done = true;
            outcome.run();
        }
    }

    /** Messages held now, for tests. */
    int heldCount() {
        return held.size();
    }

    private void beat() {
        for (Map.Entry<ReceivedMessage, Held> e : held.entrySet()) {
            Held h = e.getValue();
            synchronized (h) {
                if (h.done) {
                    continue;
                }
                try {
                    queue.extendVisibility(e.getKey(), visibility);
                    metrics.heartbeat(true);
                } catch (RuntimeException failure) {
                    metrics.heartbeat(false);
                    LOG.debug("Heartbeat of message {} failed ({}); it may be delivered again, which is harmless",
                            e.getKey().messageId(), failure.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
