package io.lakemirror.testserver;

import io.lakemirror.testserver.model.LakeFsError;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for the server's API, changeable while it runs: fail a fraction of requests
 * with 500, 503 or 429, fail the next N requests, or delay a fraction of them. Randomness is
 * seeded ({@link #seed(long)}), so a failing run can be repeated. The health check is never
 * affected. Thread-safe.
 */
public final class Faults {
    /** Marks an exchange this class answered itself: its answer is the test's, not lakeFS's, so no spec check holds it. */
    public static final String INJECTED = "lakemirror.fault.injected";
    private final Object lock = new Object();
    private Random random = new Random(0);
    private double failFraction;
    private int failStatus = 500;
    private int failNext;
    private int failNextStatus = 500;
    private double delayFraction;
    private Duration delay = Duration.ZERO;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();

    Faults() {
    }

    /** Fails each request with probability {@code fraction}, answering {@code status} (429, 500 or 503). */
    public Faults failFraction(double fraction, int status) {
        checkFraction(fraction);
        checkStatus(status);
        synchronized (lock) {
            failFraction = fraction;
            failStatus = status;
        }
        return this;
    }

    /** Fails the next {@code requests} requests with {@code status} (429, 500 or 503). */
    public Faults failNext(int requests, int status) {
        if (requests < 0) {
            throw new IllegalArgumentException("requests must not be negative: " + requests);
        }
        checkStatus(status);
        synchronized (lock) {
            failNext = requests;
            failNextStatus = status;
        }
        return this;
    }

    /** Delays each request by {@code by} with probability {@code fraction}. */
    public Faults delay(double fraction, Duration by) {
        checkFraction(fraction);
        if (by.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + by);
        }
        synchronized (lock) {
            delayFraction = fraction;
            delay = by;
        }
        return this;
    }

    /** Restarts the random sequence. */
    public Faults seed(long seed) {
        synchronized (lock) {
            random = new Random(seed);
        }
        return this;
    }

    /** Turns every fault off. */
    public Faults reset() {
        synchronized (lock) {
            failFraction = 0;
            failNext = 0;
            delayFraction = 0;
            delay = Duration.ZERO;
        }
        return this;
    }

    /** How many requests were failed on purpose so far. */
    public long injectedFailures() {
        return failed.get();
    }

    /** How many requests were delayed on purpose so far. */
    public long injectedDelays() {
        return delayed.get();
    }

    /** The route handler: fails, delays (on a timer, never blocking), or passes the request on. */
    void apply(Vertx vertx, RoutingContext ctx) {
        int status = 0;
        long delayMillis = 0;
        synchronized (lock) {
            if (failNext > 0) {
                failNext--;
                status = failNextStatus;
            } else if (failFraction > 0 && random.nextDouble() < failFraction) {
                status = failStatus;
            } else if (delayFraction > 0 && random.nextDouble() < delayFraction) {
                delayMillis = delay.toMillis();
            }
        }
        if (status != 0) {
            failed.incrementAndGet();
            ctx.put(INJECTED, Boolean.TRUE);
            ctx.fail(injected(status));
        } else if (delayMillis > 0) {
            delayed.incrementAndGet();
            vertx.setTimer(delayMillis, id -> ctx.next());
        } else {
            ctx.next();
        }
    }

    private static LakeFsError injected(int status) {
        return switch (status) {
            case 429 -> new LakeFsError(LakeFsError.Kind.TOO_MANY_TRIES, "Too many attempts, try again later");
            case 503 -> new LakeFsError(LakeFsError.Kind.SLOW_DOWN, "slow down (injected fault)");
            default -> new LakeFsError(LakeFsError.Kind.INTERNAL, "injected fault (lakemirror test server)");
        };
    }

    private static void checkStatus(int status) {
        if (status != 429 && status != 500 && status != 503) {
            throw new IllegalArgumentException("fault status must be 429, 500 or 503, got " + status);
        }
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be between 0 and 1, got " + fraction);
        }
    }
}
