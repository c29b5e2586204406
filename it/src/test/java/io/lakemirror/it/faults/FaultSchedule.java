package io.lakemirror.it.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded plan of faults: which fault, where, how strong and for how long, at which offset from the
 * start of the run. The plan depends only on the seed, the regions and the run's length, so a seed
 * replays the same schedule ({@code -Dlakemirror.faults.seed=N}); what the service does in between
 * still depends on thread timing.
 */
final class FaultSchedule {

    /** The kinds of fault, with their relative frequency. */
    enum Kind {
        /** SIGKILL one component process, start it again after {@code magnitude}. */
        KILL(14),
        /** SIGKILL every promoter of a region, move its change-feed checkpoint back, start them again. */
        STREAM_REPLAY(5),
        /** Make a fraction of received SQS messages visible again at once (concurrent duplicates). */
        SQS_DUPLICATE(9),
        /** Drop a fraction of SQS receive answers: messages come back only after their visibility timeout. */
        SQS_LOST_RECEIVE(5),
        /** Delay a fraction of SQS calls by {@code magnitude}. */
        SQS_DELAY(5),
        /** lakeFS of a region answers a fraction of calls with {@code status} (500, 503 or 429). */
        LAKEFS_ERRORS(12),
        /** lakeFS of a region answers a fraction of calls only after {@code magnitude}. */
        LAKEFS_SLOW(6),
        /**
         * lakeFS of a region never answers a fraction of the service's calls: the client's read timeout
         * (60 s) fires, then the connection drops; the request never reached lakeFS.
         */
        LAKEFS_TIMEOUT(3),
        /** S3 answers a fraction of the service's calls with 503 SlowDown. */
        S3_SLOWDOWN(9),
        /** S3 never answers a fraction of the service's calls (their client times out). */
        S3_TIMEOUT(3),
        /** Bucket replication from one region to another stops. */
        REPLICATION_PAUSE(8),
        /** Bucket replication lag becomes long-tailed (mean {@code magnitude}): objects land far out of order. */
        REPLICATION_REORDER(5),
        /** One metadata file of one repository is held back by bucket replication for {@code duration}. */
        REPLICATION_HOLD(4),
        /** The workload of a source repository force-resets one of its branches (backwards or sideways) now. */
        SOURCE_FORCE_RESET(6),
        /** The workload of a source repository deletes a branch and at once recreates it elsewhere under the same name. */
        BRANCH_RECREATE(5),
        /**
         * The validators of a destination region cannot reach the lakeFS of a source region that mirrors into
         * it (claim checks, provenance lookups): their connections are reset, as in a network partition.
         */
        PARTITION_VALIDATOR_SOURCE(5),
        /** The sensors of a source region cannot reach the queue of a destination region: SQS calls to it are reset. */
        PARTITION_SENSOR_QUEUE(5),
        /**
         * A message the sensor never sent lands in a destination queue: a correctly hashed commit the source never
         * had, a sequence far above the sensor's, or a head that is not the sensor's (dead-lettered, changes nothing).
         */
        FORGED_MESSAGE(5),
        /** A copy of the sensor's latest message of a branch with one field of its head's record altered. */
        TAMPERED_MESSAGE(4),
        /** S3 answers a fraction of the service's calls with 403 AccessDenied. */
        S3_FORBIDDEN(5),
        /**
         * The service reads every metadata file of one mirror namespace corrupted, for {@code duration}; the
         * objects themselves stay intact.
         */
        S3_CORRUPT(4),
        /** A queued message is deleted as if its retention period passed before anyone handled it. */
        MESSAGE_EXPIRY(4),
        /**
         * Replication between the regions' replicas of the mirrors table (a DynamoDB global table: a
         * dynoxide per region) becomes long-tailed (mean {@code magnitude}): another region reads an item
         * late, and concurrent writes of one item meet by last-writer-wins. Skipped on PostgreSQL.
         */
        GLOBAL_TABLE_LAG(5),
        /**
         * Stop the PostgreSQL server of the mirrors database and the refstores, start it again after
         * {@code magnitude}. Only on a PostgreSQL run, where it takes STREAM_REPLAY's place (weight 0
         * here, so a DynamoDB run's schedule for a seed is as it always was).
         */
        POSTGRES_RESTART(0),
        /**
         * Restart one component process with its wall clock {@code magnitude} off the host's (up to ±20 s,
         * negative: behind), which it keeps until its next restart; its leases must not care.
         */
        CLOCK_SKEW(5),
        /**
         * SIGSTOP one component process (a promoter or a sensor, the lease holders, twice as often as a
         * validator) for {@code duration}, longer than its lease, then SIGCONT.
         */
        PAUSE(5),
        /**
         * The lakeFS of a region takes a fraction of the service's writes (hard reset, branch create and
         * delete, CreateCommitRecord, tags) late, for {@code duration}: forwarded with the answer held back
         * for {@code magnitude} (#1) or dropped (#2), or held for {@code magnitude} and only then forwarded,
         * after the client gave up and its lease passed (#3, a zombie write).
         */
        LATE_EXECUTION(6);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /**
     * One planned fault.
     *
     * @param at        offset from the start of the run
     * @param region    the region it hits (for replication: the source region)
     * @param other     for replication faults: the destination region; for kills: the component kind
     * @param index     which of several processes of a kind (1-based), or which repository, by position
     * @param fraction  share of calls affected, for fractional faults
     * @param status    the error status, for error faults
     * @param magnitude a delay (restart delay, call delay, lag mean)
     * @param duration  how long the fault lasts before it is healed
     * @param pick      a seeded number for choices made when the fault starts (e.g. which key prefix)
     */
    record Planned(int number, Duration at, Kind kind, String region, String other, int index, double fraction,
                   int status, Duration magnitude, Duration duration, long pick) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("#").append(number).append(" ").append(kind).append(" at +")
                    .append(at.toMillis()).append("ms");
            if (region != null) {
                s.append(" ").append(region);
            }
            if (other != null) {
                s.append(kind == Kind.KILL || kind == Kind.CLOCK_SKEW || kind == Kind.PAUSE ? "/" : "->").append(other);
            }
            if (kind == Kind.KILL || kind == Kind.CLOCK_SKEW || kind == Kind.PAUSE || kind == Kind.LATE_EXECUTION
                    || kind == Kind.REPLICATION_HOLD || kind == Kind.SOURCE_FORCE_RESET
                    || kind == Kind.BRANCH_RECREATE || AIMED.contains(kind)) {
                s.append(" #").append(index);
            }
            if (fraction > 0) {
                s.append(String.format(" %.0f%%", fraction * 100));
            }
            if (status > 0) {
                s.append(" ").append(status);
            }
            if (!magnitude.isZero()) {
                s.append(" magnitude ").append(magnitude.toMillis()).append("ms");
            }
            return s.append(" for ").append(duration.toMillis()).append("ms").toString();
        }
    }

    /** Kinds aimed at one repository (its mirrors) by {@code index}, chosen when injected. */
    private static final java.util.Set<Kind> AIMED = java.util.EnumSet.of(Kind.PARTITION_VALIDATOR_SOURCE,
            Kind.PARTITION_SENSOR_QUEUE, Kind.FORGED_MESSAGE, Kind.TAMPERED_MESSAGE, Kind.S3_CORRUPT, Kind.MESSAGE_EXPIRY);

    private final long seed;
    private final List<Planned> faults;

    private FaultSchedule(long seed, List<Planned> faults) {
        this.seed = seed;
        this.faults = List.copyOf(faults);
    }

    /**
     * Plans faults from {@code start} to {@code end} (offsets), one every {@code meanInterval} on
     * average (exponential gaps, at least 200 ms apart).
     *
     * @param regions     every region
     * @param promoters   per region, how many promoter processes run (for kills)
     * @param validators  per region, how many validator processes run
     * @param repositories how many source repositories there are (for holds)
     */
    static FaultSchedule plan(long seed, List<String> regions, Map<String, Integer> promoters,
                              Map<String, Integer> validators, int repositories, Duration start, Duration end,
                              Duration meanInterval) {
        return plan(seed, regions, promoters, validators, repositories, start, end, meanInterval, false);
    }

    /**
     * As {@link #plan(long, List, Map, Map, int, Duration, Duration, Duration)}; on a PostgreSQL run
     * ({@code postgres}) each STREAM_REPLAY (a KCL checkpoint moved back) becomes a POSTGRES_RESTART,
     * drawn from the same random numbers, so the rest of the schedule is the DynamoDB run's.
     */
    static FaultSchedule plan(long seed, List<String> regions, Map<String, Integer> promoters,
                              Map<String, Integer> validators, int repositories, Duration start, Duration end,
                              Duration meanInterval, boolean postgres) {
        Random random = new Random(seed);
        int totalWeight = 0;
        for (Kind k : Kind.values()) {
            totalWeight += k.weight;
        }
        List<Planned> planned = new ArrayList<>();
        long at = start.toMillis();
        int number = 0;
        while (true) {
            at += Math.max(200, (long) (-meanInterval.toMillis() * Math.log(1 - random.nextDouble())));
            if (at >= end.toMillis()) {
                break;
            }
            int dice = random.nextInt(totalWeight);
            Kind kind = null;
            for (Kind k : Kind.values()) {
                dice -= k.weight;
                if (dice < 0) {
                    kind = k;
                    break;
                }
            }
            if (postgres && kind == Kind.STREAM_REPLAY) {
                kind = Kind.POSTGRES_RESTART;
            }
            String region = regions.get(random.nextInt(regions.size()));
            String other = null;
            int index = 1;
            double fraction = 0;
            int status = 0;
            Duration magnitude = Duration.ZERO;
            Duration duration;
            switch (kind) {
                case KILL -> {
                    ComponentProcess.Kind component = ComponentProcess.Kind.values()[random.nextInt(ComponentProcess.Kind.values().length)];
                    other = component.command;
                    int of = switch (component) {
                        case PROMOTER -> promoters.getOrDefault(region, 1);
                        case VALIDATOR -> validators.getOrDefault(region, 1);
                        default -> 1;
                    };
                    index = 1 + random.nextInt(of);
                    magnitude = millis(random, 500, 8_000);
                    duration = magnitude;
                }
                case STREAM_REPLAY, POSTGRES_RESTART -> {
                    magnitude = millis(random, 500, 4_000);
                    duration = magnitude;
                }
                case SQS_DUPLICATE -> {
                    fraction = 0.2 + 0.8 * random.nextDouble();
                    duration = millis(random, 3_000, 15_000);
                }
                case SQS_LOST_RECEIVE -> {
                    // Non-empty receives are rare (a few a second over three regions): weaker faults would hit none.
                    fraction = 0.5 + 0.5 * random.nextDouble();
                    duration = millis(random, 5_000, 15_000);
                }
                case SQS_DELAY -> {
                    fraction = 0.2 + 0.6 * random.nextDouble();
                    magnitude = millis(random, 300, 4_000);
                    duration = millis(random, 3_000, 12_000);
                }
                case LAKEFS_ERRORS -> {
                    fraction = 0.05 + 0.35 * random.nextDouble();
                    status = List.of(500, 503, 429).get(random.nextInt(3));
                    duration = millis(random, 2_000, 15_000);
                }
                case LAKEFS_SLOW -> {
                    fraction = 0.1 + 0.4 * random.nextDouble();
                    magnitude = millis(random, 500, 6_000);
                    duration = millis(random, 2_000, 10_000);
                }
                case LAKEFS_TIMEOUT -> {
                    // The service calls lakeFS a few times a second per region: smaller fractions hit nothing.
                    fraction = 0.05 + 0.10 * random.nextDouble();
                    magnitude = millis(random, 61_000, 65_000);
                    duration = millis(random, 2_000, 8_000);
                }
                case S3_SLOWDOWN -> {
                    fraction = 0.1 + 0.5 * random.nextDouble();
                    duration = millis(random, 2_000, 15_000);
                }
                case S3_TIMEOUT -> {
                    fraction = 0.02 + 0.13 * random.nextDouble();
                    magnitude = millis(random, 32_000, 40_000);
                    duration = millis(random, 2_000, 8_000);
                }
                case REPLICATION_PAUSE -> {
                    other = otherRegion(random, regions, region);
                    duration = millis(random, 3_000, 30_000);
                }
                case REPLICATION_REORDER -> {
                    magnitude = millis(random, 500, 3_000);
                    duration = millis(random, 10_000, 30_000);
                }
                case GLOBAL_TABLE_LAG -> {
                    magnitude = millis(random, 500, 5_000);
                    duration = millis(random, 10_000, 40_000);
                }
                case REPLICATION_HOLD -> {
                    index = 1 + random.nextInt(repositories);
                    duration = millis(random, 30_000, 120_000);
                }
                case SOURCE_FORCE_RESET, BRANCH_RECREATE -> {
                    index = 1 + random.nextInt(repositories);
                    duration = Duration.ZERO;
                }
                case PARTITION_VALIDATOR_SOURCE, PARTITION_SENSOR_QUEUE -> {
                    index = 1 + random.nextInt(repositories);
                    duration = millis(random, 5_000, 30_000);
                }
                case FORGED_MESSAGE, TAMPERED_MESSAGE, MESSAGE_EXPIRY -> {
                    index = 1 + random.nextInt(repositories);
                    duration = Duration.ZERO;
                }
                case S3_FORBIDDEN -> {
                    fraction = 0.05 + 0.25 * random.nextDouble();
                    duration = millis(random, 2_000, 10_000);
                }
                case S3_CORRUPT -> {
                    index = 1 + random.nextInt(repositories);
                    duration = millis(random, 5_000, 20_000);
                }
                case CLOCK_SKEW -> {
                    ComponentProcess.Kind component = ComponentProcess.Kind.values()[random.nextInt(ComponentProcess.Kind.values().length)];
                    other = component.command;
                    index = 1 + random.nextInt(component == ComponentProcess.Kind.PROMOTER ? promoters.getOrDefault(region, 1)
                            : component == ComponentProcess.Kind.VALIDATOR ? validators.getOrDefault(region, 1) : 1);
                    magnitude = millis(random, -20_000, 20_000);
                    duration = Duration.ZERO;
                }
                case PAUSE -> {
                    ComponentProcess.Kind component = List.of(ComponentProcess.Kind.PROMOTER, ComponentProcess.Kind.PROMOTER,
                            ComponentProcess.Kind.SENSOR, ComponentProcess.Kind.VALIDATOR).get(random.nextInt(4));
                    other = component.command;
                    index = 1 + random.nextInt(component == ComponentProcess.Kind.PROMOTER ? promoters.getOrDefault(region, 1)
                            : component == ComponentProcess.Kind.VALIDATOR ? validators.getOrDefault(region, 1) : 1);
                    // Longer than the promotion lease (60 s) and the sensor's scan lease.
                    duration = millis(random, 62_000, 80_000);
                }
                case LATE_EXECUTION -> {
                    index = 1 + random.nextInt(3);
                    fraction = 0.3 + 0.5 * random.nextDouble();
                    // Past the client's deadline (lease end less a margin) and the lease (60 s) itself.
                    magnitude = millis(random, 62_000, 90_000);
                    duration = millis(random, 3_000, 15_000);
                }
                default -> throw new IllegalStateException("unplanned fault kind " + kind);
            }
            long pick = random.nextLong();
            planned.add(new Planned(++number, Duration.ofMillis(at), kind, region, other, index, fraction, status,
                    magnitude, duration, pick));
        }
        return new FaultSchedule(seed, planned);
    }

    private static String otherRegion(Random random, List<String> regions, String not) {
        List<String> others = regions.stream().filter(r -> !r.equals(not)).toList();
        return others.get(random.nextInt(others.size()));
    }

    private static Duration millis(Random random, long min, long max) {
        return Duration.ofMillis(min + (long) (random.nextDouble() * (max - min)));
    }

    long seed() {
        return seed;
    }

    List<Planned> faults() {
        return faults;
    }

    Map<Kind, Integer> countByKind() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        faults.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        return counts;
    }
}
