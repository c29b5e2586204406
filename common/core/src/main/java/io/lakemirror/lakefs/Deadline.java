package io.lakemirror.lakefs;

import io.lakemirror.domain.DeadlineExceededException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The instant by which a caller must have its answer, read on a given clock. A {@link LakeFs} bound
 * to a deadline ({@link LakeFs#bounded}) starts no call after it, abandons a call still running at
 * it, and retries nothing past it: the promoter gives every lakeFS call of a promotion the end of
 * its lease less a margin, so no write it issues outlives the lease (docs/design/pipeline.md,
 * "Fenced promotions").
 */
public final class Deadline {
    private final Instant at;
    private final Clock clock;

    private Deadline(Instant at, Clock clock) {
        this.at = Objects.requireNonNull(at, "at");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A deadline at {@code at}, as {@code clock} tells time. */
    public static Deadline at(Instant at, Clock clock) {
        return new Deadline(at, clock);
    }

    /** A deadline {@code after} from now on {@code clock}. */
    public static Deadline after(Duration after, Clock clock) {
        return new Deadline(clock.instant().plus(after), clock);
    }

    public Instant instant() {
        return at;
    }

    /** The time left, zero once the deadline has passed. */
    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    public boolean hasPassed() {
        return !clock.instant().isBefore(at);
    }

    /**
     * The earlier of this deadline and {@code other}, judged by the time each has left on its own
     * clock: the two may be read on different clocks (a lease's deadline is on the monotonic clock).
     */
    public Deadline earliest(Deadline other) {
        return other.left().compareTo(left()) < 0 ? other : this;
    }

    private Duration left() {
        return Duration.between(clock.instant(), at);
    }

    /**
     * Refuses to start {@code what} once the deadline has passed.
     *
     * @throws DeadlineExceededException naming {@code what} and the deadline
     */
    public void check(String what) {
        if (hasPassed()) {
            throw new DeadlineExceededException(what + " not started: its deadline " + at + " has passed;"
                    + " the caller may try again under a new deadline");
        }
    }

    @Override
    public String toString() {
        return "deadline " + at;
    }
}
