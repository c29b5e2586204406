package io.lakemirror.sensor;

import io.lakemirror.domain.MirrorId;
import io.lakemirror.store.SensorStateWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * This sensor's scan lease on one mirror ({@link SensorStateWriter#acquireSourceLease}). Taken at the
 * start of a mirror's scan and checked before every sequence is announced: it is renewed when less
 * than half of it is left, so a long first sync keeps it, and a sensor that lost it stops before
 * writing anything. The conditional sensor-state write stays the last line of defence for a
 * sensor that was paused past its lease.
 *
 * <p>Thread-safe: the branch scans of one mirror share it.
 */
final class SourceLease {
    private final SensorStateWriter database;
    private final MirrorId mirror;
    private final String owner;
    private final Duration duration;
    private final Clock clock;
    private Instant until = Instant.MIN;
    private boolean lost;

    SourceLease(SensorStateWriter database, MirrorId mirror, String owner, Duration duration, Clock clock) {
        this.database = database;
        this.mirror = mirror;
        this.owner = owner;
        this.duration = duration;
        this.clock = clock;
    }

    /** Thrown when another sensor holds the lease now; the scan of this mirror stops. */
    static final class LostException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LostException(String message) {
            super(message);
        }
    }

    /** Takes or renews the lease; false when another sensor holds it. */
    synchronized boolean acquire() {
        Instant now = clock.instant();
        Instant next = now.plus(duration);
        if (!database.acquireSourceLease(mirror, owner, next, now)) {
            lost = true;
            return false;
        }
        until = next;
        lost = false;
        return true;
    }

    /**
     * At the start of a mirror's scan: true while this sensor holds the lease with more than half of
     * it left (no write), else takes or renews it; false when another sensor holds it.
     */
    synchronized boolean holdOrAcquire() {
        // Compared this way round: until starts at Instant.MIN, which cannot be moved further back.
        if (!lost && clock.instant().plus(duration.dividedBy(2)).isBefore(until)) {
            return true;
        }
        return acquire();
    }

    /** Renews the lease when half of it has passed; throws when it went to another sensor. */
    synchronized void ensureHeld() {
        if (lost) {
            throw new LostException(lostMessage());
        }
        Instant now = clock.instant();
        if (now.isBefore(until.minus(duration.dividedBy(2)))) {
            return;
        }
        if (!acquire()) {
            throw new LostException(lostMessage());
        }
    }

    /** Lets another sensor take the mirror at once (on shutdown), if this sensor still holds it. */
    synchronized void release() {
        if (!lost && until.isAfter(Instant.MIN)) {
            Instant now = clock.instant();
            database.acquireSourceLease(mirror, owner, now, now);
            lost = true;
        }
    }

    String owner() {
        return owner;
    }

    private String lostMessage() {
        return "sensor " + owner + " lost the scan lease of mirror " + mirror + " to another sensor; it stops scanning"
                + " this mirror and leaves it to the lease holder";
    }
}
