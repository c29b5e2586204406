package io.lakemirror.validator;

import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread: receives a batch, hands its messages to the handler, and carries out each
 * outcome. The groups (mirror branches) of a batch are handled concurrently on the handler pool, so
 * one slow head check does not hold up the others of the batch; the messages of one group are
 * handled in order, one by one, and each failure stays with its message. The one rule across
 * messages is FIFO order: once a message is retried later, the messages behind it in the same
 * group are not handled in this batch but hidden as long as it is, so no sequence overtakes an
 * earlier one. From the receive until its outcome, every message of the batch is kept hidden by the
 * {@link Heartbeats}.
 */
final class QueueWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    static final int BATCH = 10;
    private static final Duration RECEIVE_FAILURE_PAUSE = Duration.ofSeconds(1);

    private final CommitsQueue queue;
    private final Function<ReceivedMessage, Outcome> handler;
    private final Duration receiveWait;
    private final CountDownLatch stopping;
    private final Executor groups;
    private final Heartbeats heartbeats;

    /**
     * @param groups     runs the groups of a batch concurrently ({@code Runnable::run}: one after another)
     * @param heartbeats keeps the batch's messages hidden while they are handled (null: none)
     */
    QueueWorker(CommitsQueue queue, Function<ReceivedMessage, Outcome> handler, Duration receiveWait,
                CountDownLatch stopping, Executor groups, Heartbeats heartbeats) {
        this.queue = queue;
        this.handler = handler;
        this.receiveWait = receiveWait;
        this.stopping = stopping;
        this.groups = groups;
        this.heartbeats = heartbeats;
    }

    /** A worker handling one message after another, without heartbeats (tests). */
    QueueWorker(CommitsQueue queue, Function<ReceivedMessage, Outcome> handler, Duration receiveWait,
                CountDownLatch stopping) {
        this(queue, handler, receiveWait, stopping, Runnable::run, null);
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
        if (batch.isEmpty()) {
            return;
        }
        if (heartbeats != null) {
            batch.forEach(heartbeats::hold);
        }
        Map<String, List<ReceivedMessage>> byGroup = new LinkedHashMap<>();
        for (ReceivedMessage message : batch) {
            String group = message.groupId() != null ? message.groupId() : "\u0000" + message.messageId();
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(message);
        }
        if (byGroup.size() == 1) {
            handleGroup(batch);
            return;
        }
        List<CompletableFuture<Void>> running = new ArrayList<>(byGroup.size());
        for (List<ReceivedMessage> group : byGroup.values()) {
            try {
                running.add(CompletableFuture.runAsync(() -> handleGroup(group), groups));
            } catch (RejectedExecutionException e) {
                handleGroup(group);
            }
        }
        for (CompletableFuture<Void> f : running) {
            try {
                f.join();
            } catch (CompletionException e) {
                // handleGroup never throws by design; a bug there must not stop the consumer thread.
                LOG.error("Handling a group of messages failed unexpectedly; its messages return after their"
                        + " visibility timeout", e.getCause());
            }
        }
    }

    /** The messages of one group, in order: a retried message holds the rest of its group back with it. */
    private void handleGroup(List<ReceivedMessage> messages) {
        Duration held = null;
        for (ReceivedMessage message : messages) {
            Outcome outcome;
            if (stopping.getCount() == 0) {
                // Shutting down: give the rest back at once instead of after their visibility timeout.
                outcome = new Outcome.RetryLater(Duration.ZERO, "validator stopping");
            } else if (held != null) {
                outcome = new Outcome.RetryLater(held, "behind an earlier message of group " + message.groupId());
            } else {
                outcome = handleSafely(message);
                if (outcome instanceof Outcome.RetryLater retry) {
                    held = retry.delay();
                }
            }
            Outcome decided = outcome;
            if (heartbeats != null) {
                heartbeats.release(message, () -> apply(message, decided));
            } else {
                apply(message, decided);
            }
        }
    }

    private Outcome handleSafely(ReceivedMessage message) {
        try {
            return handler.apply(message);
        } catch (RuntimeException e) {
            LOG.error("Handling message {} failed unexpectedly; it is looked at again later", message.messageId(), e);
            return new Outcome.RetryLater(RECEIVE_FAILURE_PAUSE, "handler failed unexpectedly: " + e);
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
