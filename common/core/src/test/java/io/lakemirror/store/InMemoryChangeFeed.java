package io.lakemirror.store;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChangeFeed} over an {@link InMemoryMirrorsDatabase}: every change is delivered on a
 * separate thread, in order, as a one-element batch. {@link #pause()} drops changes, to test that
 * consumers also work without events.
 */
public final class InMemoryChangeFeed implements ChangeFeed {
    private final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    private volatile boolean paused;
    private volatile boolean closed;
    private Thread delivery;

    public InMemoryChangeFeed(InMemoryMirrorsDatabase db) {
        db.addListener(change -> {
            if (!paused) {
                changes.add(change);
            }
        });
    }

    /** Drops every change from now on, as a stopped stream consumer would miss them. */
    public void pause() {
        paused = true;
    }

    @Override
    public synchronized void start(Listener listener) {
        delivery = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Change next = changes.poll(50, TimeUnit.MILLISECONDS);
                    // poll may hand out an item and the interrupt of close() together: deliver nothing after close.
                    if (next != null && !closed) {
                        listener.onChanges(List.of(next));
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "in-memory-change-feed");
        delivery.setDaemon(true);
        delivery.start();
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = delivery;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
