package io.lakemirror.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB global-table replication between one table in several regions, each region its own
 * DynamoDB (dynoxide) endpoint, as {@link BucketReplicator} is S3 replication between buckets.
 *
 * <p>What it reproduces of global tables (version 2019.11.21):
 * <ul>
 *   <li><b>Lag.</b> Every item write (put, update, delete) read from a region's DynamoDB Stream is
 *       applied to every other region's replica after a delay drawn from a {@link DelayDistribution}
 *       (seeded), so another region reads an old item, or none, for a while;</li>
 *   <li><b>Last writer wins.</b> Each write is stamped with its time (when the replicator reads it
 *       from its own region's stream, within a poll interval of the write; ties by region name).
 *       A replica keeps the write with the latest stamp: an older replicated write is dropped, and
 *       one that overwrote a newer local write it raced with is undone by writing the newer one
 *       again. Conditions are checked only in the region a write lands in, never against the
 *       other replicas, exactly the hazard global tables have;</li>
 *   <li><b>No echo.</b> A write the replicator made shows up in its destination's stream; it is
 *       recognised (same item image in the same replica) and not replicated back.</li>
 * </ul>
 *
 * <p>The table may not exist yet when the replicator starts (the service creates it): each region
 * is polled until it does, and its stream is read from the beginning. Only the table given is
 * replicated; other tables of the same endpoints stay regional.
 */
public final class GlobalTableReplicator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalTableReplicator.class);
    private static final Duration RETRY = Duration.ofMillis(200);

    private final String table;
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final DelayDistribution delays;
    private final Random random;
    private final Duration pollInterval;
    private final Clock clock;
    private final ScheduledExecutorService pollers;
    private final ScheduledExecutorService appliers;
    private final Object lock = new Object();
    private final AtomicLong replicated = new AtomicLong();
    private final AtomicLong superseded = new AtomicLong();
    private final AtomicLong restored = new AtomicLong();
    /** The region that first wrote each item, to find items more than one region writes. */
    private final Map<Map<String, AttributeValue>, String> writers = new HashMap<>();
    /** Items written by more than one region, with those regions; guarded by {@link #lock}. */
    private final Map<Map<String, AttributeValue>, java.util.Set<String>> multiWriter = new LinkedHashMap<>();
    private volatile boolean closed;

    private GlobalTableReplicator(Builder b) {
        this.table = b.table;
        this.delays = b.delays;
        this.random = new Random(b.seed);
        this.pollInterval = b.pollInterval;
        this.clock = b.clock;
        b.regions.forEach((region, clients) -> replicas.put(region, new Replica(region, clients.dynamoDb(), clients.streams())));
        AtomicInteger threads = new AtomicInteger();
        this.pollers = Executors.newScheduledThreadPool(replicas.size(), r -> daemon(r, "global-table-poll-" + threads.incrementAndGet()));
        this.appliers = Executors.newScheduledThreadPool(2, r -> daemon(r, "global-table-apply-" + threads.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public static Builder builder(String table) {
        return new Builder(table);
    }

    private GlobalTableReplicator start() {
        for (Replica replica : replicas.values()) {
            pollers.scheduleWithFixedDelay(() -> pollSafely(replica), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("Global table {} replicated between {} with delays {}", table, replicas.keySet(), delays);
        return this;
    }

    /** Writes applied to another region's replica so far. */
    public long replicated() {
        return replicated.get();
    }

    /** Replicated writes dropped because the destination already had a later write of the item. */
    public long superseded() {
        return superseded.get();
    }

    /** Later writes written again because an earlier replicated write raced over them. */
    public long restored() {
        return restored.get();
    }

    /**
     * The keys of items that more than one region wrote, with those regions. A global table keeps only
     * the last writer's item, and a condition checked in one region never saw the other's write: the
     * design gives every item one writing region (docs/design/pipeline.md), so an entry here names
     * where the service departs from it.
     */
    public Map<Map<String, AttributeValue>, java.util.Set<String>> multiWriterItems() {
        synchronized (lock) {
            Map<Map<String, AttributeValue>, java.util.Set<String>> copy = new LinkedHashMap<>();
            multiWriter.forEach((k, v) -> copy.put(k, java.util.Set.copyOf(v)));
            return copy;
        }
    }

    /** Local writes of {@code region} read from its stream so far (a test waits on it to order writes). */
    public long localWrites(String region) {
        return replica(region).localWrites.get();
    }

    /** Whether every write read so far has landed in every replica (nothing scheduled or waiting). */
    public boolean isIdle() {
        synchronized (lock) {
            return replicas.values().stream().allMatch(r -> r.inFlight == 0 && r.expected.isEmpty());
        }
    }

    public String table() {
        return table;
    }

    private Replica replica(String region) {
        Replica replica = replicas.get(region);
        if (replica == null) {
            throw new IllegalArgumentException("region " + region + " is not one of " + replicas.keySet());
        }
        return replica;
    }

    // ---------------------------------------------------------------- reading each region's stream

    private void pollSafely(Replica replica) {
        try {
            poll(replica);
        } catch (ResourceNotFoundException e) {
            LOG.trace("Global table {} in {}: not there yet", table, replica.region);
        } catch (SdkException e) {
            if (!closed) {
                LOG.debug("Global table {} in {}: reading the stream failed ({}); retrying at the next poll", table,
                        replica.region, e.toString());
            }
        }
    }

    private void poll(Replica replica) {
        if (replica.streamArn == null) {
            TableDescription description = replica.dynamoDb.describeTable(b -> b.tableName(table)).table();
            if (description.latestStreamArn() == null) {
                return;
            }
            replica.streamArn = description.latestStreamArn();
            LOG.info("Global table {} in {}: reading stream {}", table, replica.region, replica.streamArn);
        }
        for (Shard shard : replica.streams.describeStream(b -> b.streamArn(replica.streamArn)).streamDescription().shards()) {
            if (!replica.iterators.containsKey(shard.shardId())) {
                replica.iterators.put(shard.shardId(), Optional.of(replica.streams.getShardIterator(b -> b
                        .streamArn(replica.streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()));
            }
        }
        for (Map.Entry<String, Optional<String>> shard : replica.iterators.entrySet()) {
            String iterator = shard.getValue().orElse(null);
            while (iterator != null && !closed) {
                String from = iterator;
                var page = replica.streams.getRecords(b -> b.shardIterator(from));
                page.records().forEach(r -> observe(replica, r));
                iterator = page.nextShardIterator();
                shard.setValue(Optional.ofNullable(iterator));
                if (page.records().isEmpty()) {
                    break;
                }
            }
        }
    }

    /** One record of {@code replica}'s stream: an echo of a replicated write, or a local write to replicate. */
    private void observe(Replica replica, Record record) {
        Map<String, AttributeValue> key = record.dynamodb().keys();
        Optional<Map<String, AttributeValue>> image = record.eventName() == OperationType.REMOVE
                ? Optional.empty() : Optional.of(record.dynamodb().newImage());
        Stamp stamp;
        List<Replica> targets = new ArrayList<>();
        synchronized (lock) {
            Write echo = replica.takeExpected(key, image);
            Write winner = replica.winners.get(key);
            if (echo != null) {
                if (winner != null && winner.stamp.compareTo(echo.stamp) > 0) {
                    // A later write landed between the replicated one's check and its put: write it again.
                    restored.incrementAndGet();
                    LOG.debug("Global table {} in {}: {} overwrote the later {}; writing that again", table,
                            replica.region, echo, winner);
                    schedule(replica, winner, Duration.ZERO);
                } else {
                    replica.winners.put(key, echo);
                }
                return;
            }
            stamp = new Stamp(clock.instant(), replica.region);
            Write local = new Write(key, image, stamp);
            String first = writers.putIfAbsent(key, replica.region);
            if (first != null && !first.equals(replica.region)) {
                java.util.Set<String> regions = multiWriter.computeIfAbsent(key, k -> new java.util.TreeSet<>());
                if (regions.isEmpty()) {
                    LOG.info("Global table {}: item {} is written by {} and by {} ({}): last writer wins", table, key,
                            first, replica.region, image.isPresent() ? "a put" : "a delete");
                }
                regions.add(first);
                regions.add(replica.region);
            }
            replica.winners.put(key, local);
            replica.localWrites.incrementAndGet();
            for (Replica other : replicas.values()) {
                if (other != replica) {
                    targets.add(other);
                    schedule(other, local, nextDelay());
                }
            }
        }
        LOG.trace("Global table {}: {} write of {} replicates to {}", table, replica.region, key, targets.size());
    }

    private Duration nextDelay() {
        synchronized (random) {
            return delays.next(random);
        }
    }

    // ---------------------------------------------------------------- applying to the other regions

    /** Called holding {@link #lock}. */
    private void schedule(Replica destination, Write write, Duration delay) {
        if (closed) {
            return;
        }
        destination.inFlight++;
        try {
            appliers.schedule(() -> apply(destination, write), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            destination.inFlight--;
        }
    }

    private void apply(Replica destination, Write write) {
        synchronized (lock) {
            Write winner = destination.winners.get(write.key);
            Stamp applied = destination.applied.get(write.key);
            if (winner != null && winner.stamp.compareTo(write.stamp) > 0 || applied != null && applied.compareTo(write.stamp) > 0) {
                destination.inFlight--;
                superseded.incrementAndGet();
                LOG.trace("Global table {} in {}: {} superseded by a later write", table, destination.region, write);
                return;
            }
            destination.expect(write);
            destination.applied.put(write.key, write.stamp);
        }
        boolean done = false;
        try {
            if (write.image.isPresent()) {
                destination.dynamoDb.putItem(b -> b.tableName(table).item(write.image.get()));
            } else {
                destination.dynamoDb.deleteItem(b -> b.tableName(table).key(write.key));
            }
            done = true;
            replicated.incrementAndGet();
        } catch (SdkException e) {
            if (!closed) {
                LOG.debug("Global table {} in {}: applying {} failed ({}); retrying", table, destination.region, write,
                        e.toString());
            }
        } finally {
            synchronized (lock) {
                destination.inFlight--;
                if (!done) {
                    destination.unexpect(write);
                    destination.applied.remove(write.key, write.stamp);
                    if (!closed) {
                        schedule(destination, write, RETRY);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        pollers.shutdownNow();
        appliers.shutdownNow();
        try {
            pollers.awaitTermination(5, TimeUnit.SECONDS);
            appliers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Global table {} replication stopped: {} write(s) replicated, {} superseded, {} restored, {} item(s)"
                + " written by more than one region", table, replicated.get(), superseded.get(), restored.get(),
                multiWriterItems().size());
    }

    @Override
    public String toString() {
        return "GlobalTableReplicator[" + table + " " + replicas.keySet() + "]";
    }

    /** When a write happened, for last-writer-wins: time first, then the region's name. */
    private record Stamp(Instant at, String region) implements Comparable<Stamp> {
        @Override
        public int compareTo(Stamp o) {
            int byTime = at.compareTo(o.at);
            return byTime != 0 ? byTime : region.compareTo(o.region);
        }
    }

    /** An item write: the item's new image, or empty for a delete. */
    private record Write(Map<String, AttributeValue> key, Optional<Map<String, AttributeValue>> image, Stamp stamp) {
        @Override
        public String toString() {
            return (image.isPresent() ? "put " : "delete ") + key + " from " + stamp.region + " at " + stamp.at;
        }
    }

    /** One region's replica and what the replicator knows of it; fields guarded by {@link #lock} unless noted. */
    private static final class Replica {
        final String region;
        final DynamoDbClient dynamoDb;
        final DynamoDbStreamsClient streams;
        /** Poller thread only. */
        volatile String streamArn;
        final Map<String, Optional<String>> iterators = new LinkedHashMap<>();
        /** The latest write of each item this replica's stream has shown (local or replicated). */
        final Map<Map<String, AttributeValue>, Write> winners = new HashMap<>();
        /** The latest write applied here by the replicator, per item. */
        final Map<Map<String, AttributeValue>, Stamp> applied = new HashMap<>();
        /** Replicated writes whose record in this replica's stream has not been read yet. */
        final Map<Map<String, AttributeValue>, List<Write>> expected = new HashMap<>();
        final AtomicLong localWrites = new AtomicLong();
        int inFlight;

        Replica(String region, DynamoDbClient dynamoDb, DynamoDbStreamsClient streams) {
            this.region = region;
            this.dynamoDb = dynamoDb;
            this.streams = streams;
        }

        void expect(Write write) {
            expected.computeIfAbsent(write.key, k -> new ArrayList<>()).add(write);
        }

        void unexpect(Write write) {
            List<Write> writes = expected.get(write.key);
            if (writes != null && writes.remove(write) && writes.isEmpty()) {
                expected.remove(write.key);
            }
        }

        /** The replicated write whose stream record this is, taken off the list; null for a local write. */
        Write takeExpected(Map<String, AttributeValue> key, Optional<Map<String, AttributeValue>> image) {
            List<Write> writes = expected.get(key);
            if (writes == null) {
                return null;
            }
            for (Iterator<Write> it = writes.iterator(); it.hasNext(); ) {
                Write w = it.next();
                if (w.image.equals(image)) {
                    it.remove();
                    if (writes.isEmpty()) {
                        expected.remove(key);
                    }
                    return w;
                }
            }
            return null;
        }
    }

    /** The clients of one region's DynamoDB (the streams client with whatever shims its server needs). */
    public record RegionClients(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams) {
        public RegionClients {
            Objects.requireNonNull(dynamoDb, "dynamoDb");
            Objects.requireNonNull(streams, "streams");
        }
    }

    /** Configures a {@link GlobalTableReplicator}. */
    public static final class Builder {
        private final String table;
        private final Map<String, RegionClients> regions = new LinkedHashMap<>();
        private DelayDistribution delays = DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(200));
        private long seed = 42;
        private Duration pollInterval = Duration.ofMillis(50);
        private Clock clock = Clock.systemUTC();

        private Builder(String table) {
            this.table = Objects.requireNonNull(table, "table");
        }

        /** A replica: the table in {@code region}'s DynamoDB (the caller keeps ownership of the clients). */
        public Builder region(String region, DynamoDbClient dynamoDb, DynamoDbStreamsClient streams) {
            regions.put(Objects.requireNonNull(region, "region"), new RegionClients(dynamoDb, streams));
            return this;
        }

        /** Delay between reading a write in its region and applying it to another; default uniform 0..200 ms. */
        public Builder delays(DelayDistribution delays) {
            this.delays = Objects.requireNonNull(delays, "delays");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How often each region's stream is read; default 50 ms (also the precision of a write's time). */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive, got " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public GlobalTableReplicator start() {
            if (regions.size() < 2) {
                throw new IllegalStateException("a global table needs two regions or more, got " + regions.keySet());
            }
            return new GlobalTableReplicator(this).start();
        }
    }
}
