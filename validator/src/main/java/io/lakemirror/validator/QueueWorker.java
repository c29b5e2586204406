package io.lakemirror.validator;

import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread: receives a batch, hands each message to the handler, and carries out its
 * outcome. Messages are handled one by one and each failure stays with its message. The one rule
 * across messages is FIFO order: once a message is retried later, the messages behind it in the
 * same group (mirror branch) are not handled in this batch but hidden as long as it is, so no
 * sequence overtakes an earlier one.
 */
final class QueueWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    static final int BATCH = 10;
    private static final Duration RECEIVE_FAILURE_PAUSE = Duration.ofSeconds(1);

    private final CommitsQueue queue;
    private final Function<ReceivedMessage, Outcome> handler;
    private final Duration receiveWait;
    private final CountDownLatch stopping;

    QueueWorker(CommitsQueue queue, Function<ReceivedMessage, Outcome> handler, Duration receiveWait, CountDownLatch stopping) {
        this.queue = queue;
        this.handler = handler;
        this.receiveWait = receiveWait;
        this.stopping = stopping;
    }

    @Override
    public void run() {
        LOG.debug("{} consuming", Thread.currentThread().getName());
        while (stopping.getCount() > 0) {
            List<ReceivedMessage> batch;
            try {
                batch = queue.receive(BATCH, receiveWait);
            } catch (RuntimeException e) {
                LOG.warn("Receiving from the commits queue failed ({}); trying again in {} ms", e.getMessage(),
                        RECEIVE_FAILURE_PAUSE.toMillis());
                pause(RECEIVE_FAILURE_PAUSE);
                continue;
            }
            process(batch);
        }
        LOG.debug("{} stopped", Thread.currentThread().getName());
    }

    /** Handles one received batch; package-private so tests can drive a worker without its thread. */
    void process(List<ReceivedMessage> batch) {
        Map<String, Duration> heldGroups = new HashMap<>();
        for (ReceivedMessage message : batch) {
            if (stopping.getCount() == 0) {
                // Shutting down: give the rest back at once instead of after their visibility timeout.
                apply(message, new Outcome.RetryLater(Duration.ZERO, "validator stopping"));
                continue;
            }
            Duration held = heldGroups.get(message.groupId());
            if (held != null) {
                apply(message, new Outcome.RetryLater(held, "behind an earlier message of group " + message.groupId()));
                continue;
            }
            Outcome outcome = handler.apply(message);
            apply(message, outcome);
            if (outcome instanceof Outcome.RetryLater retry) {
                heldGroups.put(message.groupId(), retry.delay());
            }
        }
    }

    private void apply(ReceivedMessage message, Outcome outcome) {
        try {
            if (outcome instanceof Outcome.Completed) {
                queue.delete(message);
            } else if (outcome instanceof Outcome.RetryLater retry) {
                queue.retryLater(message, retry.delay());
            } else if (outcome instanceof Outcome.DeadLetter dead) {
                queue.deadLetter(message, dead.reason());
            }
        } catch (RuntimeException e) {
            // Nothing is lost: the message reappears after its visibility timeout and is decided again.
            LOG.warn("Could not {} message {} ({}); it is delivered again after its visibility timeout",
                    verb(outcome), message.messageId(), e.getMessage());
        }
    }

    private static String verb(Outcome outcome) {
        if (outcome instanceof Outcome.Completed) {
            return "delete";
        }
        return outcome instanceof Outcome.RetryLater ? "hide" : "dead-letter";
    }

    private void pause(Duration d) {
        try {
            stopping.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
