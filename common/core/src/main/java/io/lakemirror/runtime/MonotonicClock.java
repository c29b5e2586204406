package io.lakemirror.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only measures elapsed time: its instants come from {@link System#nanoTime()}, which
 * never steps with NTP or an operator's change of the wall clock and keeps counting while the
 * process is paused. Its instants are meaningful only against one another in the same process;
 * leases are timed on it so that hosts whose wall clocks differ cannot both hold one
 * (docs/design/pipeline.md, "Fenced promotions").
 */
public final class MonotonicClock extends Clock {
    private static final MonotonicClock SYSTEM = new MonotonicClock();

    private MonotonicClock() {
    }

    /** The process's monotonic clock. */
    public static Clock system() {
        return SYSTEM;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(0, System.nanoTime());
    }

    @Override
    public long millis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public String toString() {
        return "MonotonicClock";
    }
}
