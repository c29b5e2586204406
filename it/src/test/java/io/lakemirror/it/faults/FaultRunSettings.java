package io.lakemirror.it.faults;

import java.time.Duration;
import java.util.Optional;

/**
 * The knobs of a fault-injection run, from system properties (docs/testing.md):
 *
 * <ul>
 *   <li>{@code lakemirror.faults.seed}: replays a run's schedule and workload (default: random, printed);</li>
 *   <li>{@code lakemirror.faults.duration}: how long faults are injected at least (ISO-8601, default {@code PT5M});</li>
 *   <li>{@code lakemirror.faults.max-duration}: the cap on the fault phase, which goes on past the
 *       duration until the minimum faults and commits are reached (default: the duration plus ten
 *       minutes, so a slow or busy machine runs longer instead of failing);</li>
 *   <li>{@code lakemirror.faults.interval}: the mean time between two faults (default {@code PT0.85S});</li>
 *   <li>{@code lakemirror.faults.min-faults} and {@code lakemirror.faults.min-commits}: what the run must
 *       at least have done to count (default 300 and 700, scaled up with the duration);</li>
 *   <li>{@code lakemirror.faults.min-audit-rounds}: the audit rounds every mirror must have completed by the
 *       end of the fault phase (default 25, scaled up with the duration);</li>
 *   <li>{@code lakemirror.faults.convergence}: the bound on I4 after the heal (default {@code PT3M});</li>
 *   <li>{@code lakemirror.faults.writers}: concurrent writers per source repository, each on its own
 *       branches (default 3).</li>
 * </ul>
 */
record FaultRunSettings(long seed, Duration duration, Duration maxDuration, Duration interval, int minFaults,
                        int minCommits, Duration convergence, int writers) {
    static final Duration CI_DURATION = Duration.ofMinutes(5);
    /** How much longer than planned the fault phase may run to reach its minimums before the run fails. */
    static final Duration MINIMUMS_GRACE = Duration.ofMinutes(10);

    static FaultRunSettings fromSystemProperties() {
        long seed = property("lakemirror.faults.seed").map(Long::parseLong)
                .orElseGet(() -> new java.security.SecureRandom().nextLong() & 0xffff_ffffL);
        Duration duration = property("lakemirror.faults.duration").map(Duration::parse).orElse(CI_DURATION);
        Duration interval = property("lakemirror.faults.interval").map(Duration::parse).orElse(Duration.ofMillis(850));
        double scale = Math.max(1.0, (double) duration.toMillis() / CI_DURATION.toMillis());
        int minFaults = property("lakemirror.faults.min-faults").map(Integer::parseInt).orElse((int) (300 * scale));
        int minCommits = property("lakemirror.faults.min-commits").map(Integer::parseInt).orElse((int) (700 * scale));
        Duration convergence = property("lakemirror.faults.convergence").map(Duration::parse).orElse(Duration.ofMinutes(3));
        int writers = property("lakemirror.faults.writers").map(Integer::parseInt).orElse(3);
        Duration maxDuration = property("lakemirror.faults.max-duration").map(Duration::parse)
                .orElse(duration.plus(MINIMUMS_GRACE));
        return new FaultRunSettings(seed, duration, maxDuration, interval, minFaults, minCommits, convergence, writers);
    }

    /** Complete audit rounds every mirror must have had during the fault phase (the phase goes on until it has). */
    int minAuditRounds() {
        double scale = Math.max(1.0, (double) duration.toMillis() / CI_DURATION.toMillis());
        return property("lakemirror.faults.min-audit-rounds").map(Integer::parseInt).orElse((int) (25 * scale));
    }

    /**
     * {@code lakemirror.faults.backend}: {@code postgres} runs the mirrors database and the refstores on
     * an embedded PostgreSQL, restarted as a fault ({@code POSTGRES_RESTART}); default dynamodb.
     */
    static boolean postgresBackend() {
        String backend = property("lakemirror.faults.backend").orElse("dynamodb");
        if (!backend.equals("dynamodb") && !backend.equals("postgres")) {
            throw new IllegalArgumentException("lakemirror.faults.backend is dynamodb or postgres, not " + backend);
        }
        return backend.equals("postgres");
    }

    private static Optional<String> property(String name) {
        return Optional.ofNullable(System.getProperty(name)).map(String::trim).filter(s -> !s.isEmpty());
    }
}
