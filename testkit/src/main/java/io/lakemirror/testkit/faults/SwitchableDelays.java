package io.lakemirror.testkit.faults;

import io.lakemirror.testkit.DelayDistribution;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * A {@link DelayDistribution} whose shape can be changed while bucket replicators use it, so a fault
 * schedule can turn ordinary replication lag into heavy reordering (a long-tailed distribution) and
 * back. Draws still come from each replicator's own seeded {@link Random}. Thread-safe.
 */
public final class SwitchableDelays implements DelayDistribution {
    private final DelayDistribution normal;
    private volatile DelayDistribution current;

    public SwitchableDelays(DelayDistribution normal) {
        this.normal = Objects.requireNonNull(normal, "normal");
        this.current = normal;
    }

    /** Uses {@code delays} from now on. */
    public void use(DelayDistribution delays) {
        this.current = Objects.requireNonNull(delays, "delays");
    }

    /** Back to the distribution given at construction. */
    public void restore() {
        this.current = normal;
    }

    public DelayDistribution current() {
        return current;
    }

    @Override
    public Duration next(Random random) {
        return current.next(random);
    }

    @Override
    public String toString() {
        return "switchable (now " + current + ")";
    }
}
