package io.lakemirror.sensor;

import io.lakemirror.domain.Region;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.queue.CommitsQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CommitsQueue} decorator that records every send attempt (what the sensor tried to send,
 * whether or not it arrived) and can simulate a crash just before or just after the messages reach
 * the queue.
 */
final class RecordingQueue implements CommitsQueue {
    enum Crash { NONE, BEFORE_SEND, AFTER_SEND }

    private final CommitsQueue delegate;
    private final List<List<OutgoingMessage>> attempts = new ArrayList<>();
    private volatile Crash crash = Crash.NONE;

    RecordingQueue(CommitsQueue delegate) {
        this.delegate = delegate;
    }

    /** The next send crashes as given; later sends work. */
    void crashNextSend(Crash how) {
        crash = how;
    }

    synchronized List<List<OutgoingMessage>> attempts() {
        return List.copyOf(attempts);
    }

    @Override
    public void send(Region destination, List<OutgoingMessage> messages) {
        synchronized (this) {
            attempts.add(List.copyOf(messages));
        }
        Crash now = crash;
        crash = Crash.NONE;
        if (now == Crash.BEFORE_SEND) {
            throw new RetryableException("simulated crash before the messages reached the queue");
        }
        delegate.send(destination, messages);
        if (now == Crash.AFTER_SEND) {
            throw new RetryableException("simulated crash after the messages reached the queue");
        }
    }

    @Override
    public List<ReceivedMessage> receive(int max, Duration wait) {
        return delegate.receive(max, wait);
    }

    @Override
    public void delete(ReceivedMessage message) {
        delegate.delete(message);
    }

    @Override
    public void retryLater(ReceivedMessage message, Duration delay) {
        delegate.retryLater(message, delay);
    }

    @Override
    public void deadLetter(ReceivedMessage message, String reason) {
        delegate.deadLetter(message, reason);
    }

    @Override
    public long approximateDepth() {
        return delegate.approximateDepth();
    }

    @Override
    public void extendVisibility(ReceivedMessage message, Duration visibility) {
        delegate.extendVisibility(message, visibility);
    }

    @Override
    public Duration visibilityTimeout() {
        return delegate.visibilityTimeout();
    }

    @Override
    public java.util.OptionalInt maxReceiveCount() {
        return delegate.maxReceiveCount();
    }
}
