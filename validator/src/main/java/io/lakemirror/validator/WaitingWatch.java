package io.lakemirror.validator;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.runtime.KeyedWorkQueue;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks a branch that is waiting for files on its own fast ladder (200 ms doubling up to
 * {@code validator.cooldown_on_missing}), in this process, as soon as a check found files missing.
 *
 * <p>The queue's redelivery is a poor clock for this: SQS counts visibility timeouts in whole
 * seconds and moves a message to the dead-letter queue after a few receives. The branch state's
 * waiting entry is what makes the wait durable; this watch only makes it fast, and the periodic
 * re-check pass covers a restart.
 */
final class WaitingWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WaitingWatch.class);

    private record Key(MirrorId mirror, BranchId branch) {
        @Override
        public String toString() {
            return mirror + "/" + branch;
        }
    }

    private final RecheckPass recheck;
    private final RetrySchedule schedule;
    private final Map<Key, Integer> checks = new ConcurrentHashMap<>();
    private final KeyedWorkQueue<Key> work;

    WaitingWatch(RecheckPass recheck, RetrySchedule schedule, int threads) {
        this.recheck = recheck;
        this.schedule = schedule;
        this.work = new KeyedWorkQueue<>("validator-watch", threads, schedule.firstError(), schedule.maxError(), this::run);
    }

    /** Starts watching a branch whose latest check found files missing. */
    void watch(MirrorId mirror, BranchId branch) {
        Key key = new Key(mirror, branch);
        if (checks.putIfAbsent(key, 1) == null) {
            work.submit(key, schedule.afterMissing(1));
        }
    }

    private Optional<Duration> run(Key key) {
        RecheckPass.BranchOutcome outcome = recheck.recheck(key.mirror(), key.branch());
        if (outcome != RecheckPass.BranchOutcome.STILL_WAITING) {
            checks.remove(key);
            LOG.trace("{}: no longer watched ({})", key, outcome);
            return Optional.empty();
        }
        int n = checks.merge(key, 1, Integer::sum);
        return Optional.of(schedule.afterMissing(n));
    }

    @Override
    public void close() {
        work.close(Duration.ofSeconds(5));
    }
}
