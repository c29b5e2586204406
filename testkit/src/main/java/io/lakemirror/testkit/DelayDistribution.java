package io.lakemirror.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * How long the {@link BucketReplicator} waits before copying a new object. Draws come from the
 * replicator's seeded {@link Random}, so a seed reproduces the same sequence of delays.
 */
@FunctionalInterface
public interface DelayDistribution {

    /** The next delay; never negative. */
    Duration next(Random random);

    /** Copy as soon as the object is seen. */
    static DelayDistribution none() {
        return fixed(Duration.ZERO);
    }

    static DelayDistribution fixed(Duration delay) {
        requireNonNegative(delay, "delay");
        return new Named("fixed " + delay.toMillis() + "ms", r -> delay.toMillis());
    }

    /** Uniform between {@code min} and {@code max}, inclusive. */
    static DelayDistribution uniform(Duration min, Duration max) {
        requireNonNegative(min, "min");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max " + max + " is below min " + min);
        }
        long lo = min.toMillis();
        long span = max.toMillis() - lo + 1;
        return new Named("uniform " + lo + ".." + max.toMillis() + "ms", r -> lo + (long) (r.nextDouble() * span));
    }

    /** Exponential with the given mean (a long tail, like real replication lag), capped at {@code cap}. */
    static DelayDistribution exponential(Duration mean, Duration cap) {
        requireNonNegative(mean, "mean");
        requireNonNegative(cap, "cap");
        double m = mean.toMillis();
        return new Named("exponential mean " + mean.toMillis() + "ms cap " + cap.toMillis() + "ms",
                r -> Math.min(cap.toMillis(), (long) (-m * Math.log(1 - r.nextDouble()))));
    }

    private static void requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }

    /** A distribution with a readable {@link #toString()} for logs. */
    final class Named implements DelayDistribution {
        private final String description;
        private final ToLongFunction<Random> millis;

        Named(String description, ToLongFunction<Random> millis) {
            this.description = description;
            this.millis = millis;
        }

        @Override
        public Duration next(Random random) {
            return Duration.ofMillis(Math.max(0, millis.applyAsLong(random)));
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
