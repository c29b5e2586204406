package io.lakemirror.promoter;

import io.lakemirror.store.BranchState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, without comparing clocks of different hosts, when another process's branch lease may be
 * taken over: only once this process has seen the same lease version unchanged for a whole lease
 * duration on its own monotonic clock (docs/design/pipeline.md, "Fenced promotions"). A holder that
 * renews changes the version and so restarts the watch; a holder that is paused or crashed leaves
 * it unchanged. The first sighting comes after the holder sent its claim, so a full lease on this
 * clock has passed since then, whatever the holders' wall clocks say.
 */
final class LeaseWatch {
    private final Clock leaseClock;
    private final Duration leaseDuration;
    private final Map<BranchKey, Sighting> sightings = new ConcurrentHashMap<>();

    private record Sighting(String version, Instant since) {
    }

    /** What a claimant may do about the lease it read. */
    sealed interface Verdict permits Free, Lapsed, Held {
    }

    /** No lease, or the claimant's own: claim (or renew) without naming another's. */
    record Free() implements Verdict {
    }

    /** Another's lease seen unchanged for a whole lease: claim it by naming it. */
    record Lapsed(BranchState.PromotionLease lease) implements Verdict {
    }

    /** Another holds the branch, or has not been watched long enough: wait. */
    record Held(BranchState.PromotionLease lease, Duration left) implements Verdict {
    }

    /**
     * @param leaseClock    a monotonic clock ({@link io.lakemirror.runtime.MonotonicClock} in production)
     * @param leaseDuration how long a lease must stay unchanged before another may take it
     */
    LeaseWatch(Clock leaseClock, Duration leaseDuration) {
        this.leaseClock = leaseClock;
        this.leaseDuration = leaseDuration;
    }

    /** Looks at the lease read for {@code key}, remembering when its version was first seen. */
    Verdict look(BranchKey key, Optional<BranchState.PromotionLease> current, String owner) {
        if (current.isEmpty() || current.get().owner().equals(owner)) {
            sightings.remove(key);
            return new Free();
        }
        BranchState.PromotionLease lease = current.get();
        Instant now = leaseClock.instant();
        Sighting seen = sightings.compute(key, (k, old) -> old != null && old.version().equals(lease.version())
                ? old : new Sighting(lease.version(), now));
        Duration watched = Duration.between(seen.since(), now);
        if (watched.compareTo(leaseDuration) >= 0) {
            return new Lapsed(lease);
        }
        return new Held(lease, leaseDuration.minus(watched));
    }

    /** Forgets the branch (it was claimed, or its lease is gone). */
    void forget(BranchKey key) {
        sightings.remove(key);
    }

    /** Forgets every branch of a mirror that {@code keep} does not name. */
    void retain(java.util.function.Predicate<BranchKey> keep) {
        sightings.keySet().removeIf(k -> !keep.test(k));
    }
}
