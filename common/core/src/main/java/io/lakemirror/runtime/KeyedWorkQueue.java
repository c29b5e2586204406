package io.lakemirror.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task per key on a bounded pool: at most one run per key at a time, duplicate submissions
 * coalesced, a key submitted while running runs once more afterwards, and a failing key retried
 * with exponential backoff without holding up the other keys.
 *
 * @param <K> the work key, for example a (mirror, branch) pair
 */
public final class KeyedWorkQueue<K> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyedWorkQueue.class);

    /** The work for one key. */
    @FunctionalInterface
    public interface Task<K> {
        /**
         * @return empty when done, or how long to wait before running this key again
         * @throws Exception to be retried with exponential backoff
         */
        Optional<Duration> run(K key) throws Exception;
    }

    private final String name;
    private final Task<K> task;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final Map<K, KeyState> states = new HashMap<>();
    private boolean closed;

    private static final class KeyState {
        boolean running;
        boolean dirty;
        ScheduledFuture<?> pending;
        long dueNanos;
        int failures;
    }

    /**
     * @param name           prefix of the thread names, for logs and thread dumps
     * @param threads        how many keys may run at once
     * @param initialBackoff delay after a first failure; doubles per consecutive failure
     * @param maxBackoff     the longest delay between retries of a failing key
     */
    public KeyedWorkQueue(String name, int threads, Duration initialBackoff, Duration maxBackoff, Task<K> task) {
        this.name = name;
        this.task = task;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads(name + "-scheduler"));
        this.workers = Executors.newFixedThreadPool(threads, threads(name + "-worker"));
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code key} as soon as a worker is free. */
    public void submit(K key) {
        submit(key, Duration.ZERO);
    }

    /** Runs {@code key} after {@code delay}, or earlier if it is already due earlier. */
    public synchronized void submit(K key, Duration delay) {
        if (closed) {
            return;
        }
        KeyState state = states.computeIfAbsent(key, k -> new KeyState());
        if (state.running) {
            state.dirty = true;
            return;
        }
        schedule(key, state, delay);
    }

    /** How many keys are waiting or running. */
    public synchronized int size() {
        return states.size();
    }

    private void schedule(K key, KeyState state, Duration delay) {
        long due = System.nanoTime() + delay.toNanos();
        if (state.pending != null) {
            if (state.dueNanos <= due) {
                return;
            }
            state.pending.cancel(false);
        }
        state.dueNanos = due;
        state.pending = scheduler.schedule(() -> dispatch(key), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void dispatch(K key) {
        KeyState state = states.get(key);
        if (closed || state == null) {
            return;
        }
        state.pending = null;
        state.running = true;
        workers.execute(() -> runOnce(key, state));
    }

    private void runOnce(K key, KeyState state) {
        Optional<Duration> again;
        try {
            again = task.run(key);
            state.failures = 0;
        } catch (Exception e) {
            state.failures++;
            again = Optional.of(backoff(state.failures));
            LOG.debug("{}: {} failed ({} in a row), retrying in {} ms: {}", name, key, state.failures,
                    again.get().toMillis(), e.toString());
        } catch (Error e) {
            LOG.error("{}: {} failed fatally: {}", name, key, e.toString());
            again = Optional.of(maxBackoff);
        }
        synchronized (this) {
            state.running = false;
            if (closed) {
                return;
            }
            if (state.dirty) {
                state.dirty = false;
                schedule(key, state, again.filter(d -> state.failures > 0).orElse(Duration.ZERO));
            } else if (again.isPresent()) {
                schedule(key, state, again.get());
            } else {
                states.remove(key);
            }
        }
    }

    private Duration backoff(int failures) {
        long base = initialBackoff.toMillis() << Math.min(failures - 1, 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        long jitter = ThreadLocalRandom.current().nextLong(capped / 5 + 1);
        return Duration.ofMillis(Math.min(capped + jitter, maxBackoff.toMillis()));
    }

    /** Stops scheduling, lets running tasks finish for up to {@code timeout}, then interrupts them. */
    public void close(Duration timeout) {
        synchronized (this) {
            closed = true;
            states.values().forEach(s -> {
                if (s.pending != null) {
                    s.pending.cancel(false);
                }
            });
        }
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: tasks still running after {} ms; interrupting them", name, timeout.toMillis());
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
