package io.lakemirror.validator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a message stays hidden before the validator looks at it again: a delay that starts small
 * and doubles with every receive, up to a cap. Pure arithmetic, so the ladder is tested as a table.
 *
 * <p>Missing files start at 200 ms by default ({@code validator.first_cooldown_on_missing}): a file one second late then costs about one second
 * (checks at 0, 0.2, 0.6, 1.4 s). Errors start at one second, so a failing dependency is not hammered.
 *
 * @param firstMissing delay after the first receive that found files missing
 * @param maxMissing   cap of the missing-files ladder ({@code validator.cooldown_on_missing})
 * @param firstError   delay after the first receive that failed
 * @param maxError     cap of the error ladder ({@code validator.cooldown_on_error})
 */
public record RetrySchedule(Duration firstMissing, Duration maxMissing, Duration firstError, Duration maxError) {
    public static final Duration FIRST_MISSING = Duration.ofMillis(200);
    public static final Duration FIRST_ERROR = Duration.ofSeconds(1);

    public RetrySchedule {
        requirePositive(firstMissing, "firstMissing");
        requirePositive(maxMissing, "maxMissing");
        requirePositive(firstError, "firstError");
        requirePositive(maxError, "maxError");
    }

    /** The standard ladders, capped by the configured cooldowns. */
    public static RetrySchedule of(Duration cooldownOnMissing, Duration cooldownOnError) {
        return of(FIRST_MISSING, cooldownOnMissing, cooldownOnError);
    }

    /** The missing-files ladder from {@code firstMissing}; the standard error ladder. */
    public static RetrySchedule of(Duration firstMissing, Duration cooldownOnMissing, Duration cooldownOnError) {
        return new RetrySchedule(firstMissing, cooldownOnMissing, FIRST_ERROR, cooldownOnError);
    }

    /** Delay after the {@code receiveCount}-th receive (from 1) found files missing. */
    public Duration afterMissing(int receiveCount) {
        return ladder(firstMissing, maxMissing, receiveCount);
    }

    /** Delay after the {@code receiveCount}-th receive (from 1) failed. */
    public Duration afterError(int receiveCount) {
        return ladder(firstError, maxError, receiveCount);
    }

    /** {@code first · 2^(attempt−1)}, never above {@code max} (nor below it when {@code first} is larger). */
    static Duration ladder(Duration first, Duration max, int attempt) {
        int doublings = Math.max(0, attempt - 1);
        long firstNanos = first.toNanos();
        long maxNanos = max.toNanos();
        // 62 doublings of even 1 ns overflow a long, so stop doubling once the cap is reached.
        if (firstNanos >= maxNanos || doublings >= 63 || firstNanos > (maxNanos >> doublings)) {
            return max;
        }
        return Duration.ofNanos(firstNanos << doublings);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
