package io.lakemirror.postgres;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.store.ChangeFeed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirrors-database change feed on PostgreSQL, without DynamoDB Streams: the change log
 * ({@link ChangeLog}, written in the transaction of each change) read in order of its sequence
 * numbers, from the checkpoint of the consumer group, by one process of the group at a time.
 *
 * <ul>
 *   <li><b>Lease.</b> Like a KCL lease on a single shard: the processes of one consumer group
 *       ({@link ChangeFeed#consumerGroup}) compete for the group's row in
 *       {@code lakemirror_change_consumers}; the holder renews it on every round, and when it stops
 *       (or dies) another takes over after {@link Tuning#leaseDuration()}, from the checkpoint.
 *       Lease times are the database's clock, never a process's.</li>
 *   <li><b>Order and completeness.</b> Sequences are gapless and visible in commit order, so reading
 *       {@code seq > checkpoint} misses nothing; a batch is acknowledged (checkpointed) when the
 *       listener returns, so delivery is at least once (a takeover may replay one batch).</li>
 *   <li><b>Promptness.</b> The holder LISTENs on {@link ChangeLog#CHANNEL}; a NOTIFY wakes it at once.
 *       Without one it polls every {@link Tuning#pollInterval()}: a lost NOTIFY (a dropped
 *       connection, a restarted server, CockroachDB which has none) costs at most one poll interval.</li>
 *   <li><b>Retention.</b> A new group starts at the oldest retained change; the holder deletes changes
 *       older than {@link Tuning#retention()} (24 h, as DynamoDB Streams keeps records).</li>
 * </ul>
 */
public final class PostgresChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeFeed.class);

    /**
     * Timings.
     *
     * @param pollInterval    longest idle wait between two reads when no NOTIFY arrives ({@code change_feed.poll_interval})
     * @param leaseDuration   how long the group's lease lives without renewal; a stopped holder's successor waits this long
     * @param batchSize       most changes delivered in one batch
     * @param retention       how long changes stay in the log
     * @param pruneInterval   how often the holder deletes changes past their retention
     * @param shutdownTimeout how long {@link #close()} waits for the reading thread
     */
    public record Tuning(Duration pollInterval, Duration leaseDuration, int batchSize, Duration retention,
                         Duration pruneInterval, Duration shutdownTimeout) {
        public Tuning {
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(pruneInterval, "pruneInterval");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
        }

        /** The production timings: the configured poll, a 10 s lease (KCL's failover time), 24 h retention. */
        public static Tuning production(Duration pollInterval) {
            return new Tuning(pollInterval, Duration.ofSeconds(10), 500, Duration.ofHours(24), Duration.ofMinutes(10),
                    Duration.ofSeconds(10));
        }

        public Tuning withLeaseDuration(Duration lease) {
            return new Tuning(pollInterval, lease, batchSize, retention, pruneInterval, shutdownTimeout);
        }
    }

    private final PostgresDatabase db;
    private final OrganizationId organization;
    private final String consumerGroup;
    private final String workerId;
    private final Tuning tuning;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;
    private boolean started;
    private Connection listen;
    private boolean holding;
    private long lastPrune;
    private long lastErrorLog;

    /**
     * @param consumerGroup the group whose processes share one position ({@link ChangeFeed#consumerGroup})
     * @param workerId      this process among the group's, as written into the lease
     */
    public PostgresChangeFeed(PostgresDatabase db, OrganizationId organization, String consumerGroup, String workerId,
                              Tuning tuning) {
        this.db = Objects.requireNonNull(db, "db");
        this.organization = Objects.requireNonNull(organization, "organization");
        this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.tuning = Objects.requireNonNull(tuning, "tuning");
    }

    public String consumerGroup() {
        return consumerGroup;
    }

    public String workerId() {
        return workerId;
    }

    @Override
    public synchronized void start(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (started) {
            throw new IllegalStateException("change feed " + consumerGroup + " was started already; create a new one");
        }
        started = true;
        thread = new Thread(() -> run(listener), "change-feed-" + consumerGroup);
        thread.setDaemon(true);
        thread.start();
        LOG.info("Change feed {} started as worker {} on PostgreSQL {} (poll every {} ms{}, lease {} s)", consumerGroup,
                workerId, db.describe(), tuning.pollInterval().toMillis(), db.isCockroach() ? "" : ", woken by NOTIFY",
                tuning.leaseDuration().toSeconds());
    }

    private void run(Listener listener) {
        try {
            while (stop.getCount() > 0) {
                try {
                    ensureListening();
                    OptionalLong checkpoint = acquireLease();
                    if (checkpoint.isEmpty()) {
                        await(leaseRetry());
                        continue;
                    }
                    boolean delivered = readOnce(listener, checkpoint.getAsLong());
                    pruneIfDue();
                    if (!delivered) {
                        await(tuning.pollInterval());
                    }
                } catch (ReplicationException | SQLException e) {
                    onError(e);
                    closeListen();
                    await(tuning.pollInterval().multipliedBy(2));
                }
            }
        } finally {
            release();
            closeListen();
        }
    }

    private Duration leaseRetry() {
        Duration half = tuning.leaseDuration().dividedBy(2);
        return half.compareTo(Duration.ofSeconds(1)) < 0 ? half : Duration.ofSeconds(1);
    }

    /** Takes or renews the group's lease; the checkpoint when this worker holds it. */
    private OptionalLong acquireLease() {
        return db.inTransaction("acquire the lease of change feed " + consumerGroup, c -> {
            try (PreparedStatement create = c.prepareStatement("INSERT INTO lakemirror_change_consumers (organization,"
                    + " consumer_group, checkpoint) VALUES (?, ?, 0) ON CONFLICT DO NOTHING")) {
                create.setString(1, organization.value());
                create.setString(2, consumerGroup);
                create.executeUpdate();
            }
            try (PreparedStatement take = c.prepareStatement("UPDATE lakemirror_change_consumers SET lease_owner = ?,"
                    + " lease_until = now() + ?::interval WHERE organization = ? AND consumer_group = ?"
                    + " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= now()) RETURNING checkpoint")) {
                take.setString(1, workerId);
                take.setString(2, tuning.leaseDuration().toMillis() + " milliseconds");
                take.setString(3, organization.value());
                take.setString(4, consumerGroup);
                take.setString(5, workerId);
                try (ResultSet r = take.executeQuery()) {
                    boolean held = r.next();
                    if (held != holding) {
                        LOG.info("Change feed {}: worker {} {} the lease", consumerGroup, workerId, held ? "holds" : "lost");
                        holding = held;
                    }
                    return held ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /** Reads and delivers one batch after {@code checkpoint}; whether there was one. */
    private boolean readOnce(Listener listener, long checkpoint) {
        List<ChangeFeed.Change> changes = new ArrayList<>();
        long last = db.inTransaction("read change feed " + consumerGroup + " after " + checkpoint, c -> {
            long seen = checkpoint;
            try (PreparedStatement q = c.prepareStatement("SELECT seq, kind, mirror_id, branch, state::text FROM lakemirror_changes"
                    + " WHERE organization = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                q.setString(1, organization.value());
                q.setLong(2, checkpoint);
                q.setInt(3, tuning.batchSize());
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        seen = r.getLong(1);
                        toChange(seen, r.getString(2), r.getString(3), r.getString(4), r.getString(5)).ifPresent(changes::add);
                    }
                }
            }
            return seen;
        });
        if (last == checkpoint) {
            return false;
        }
        if (!changes.isEmpty()) {
            try {
                listener.onChanges(List.copyOf(changes));
            } catch (RuntimeException e) {
                LOG.warn("Change feed {}: the listener failed on a batch of {} change(s); moving on, the periodic reconcile"
                        + " repairs what it missed", consumerGroup, changes.size(), e);
            }
        }
        boolean kept = db.inTransaction("checkpoint change feed " + consumerGroup + " at " + last, c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE lakemirror_change_consumers SET checkpoint = ?,"
                    + " lease_until = now() + ?::interval WHERE organization = ? AND consumer_group = ? AND lease_owner = ?"
                    + " AND checkpoint < ?")) {
                u.setLong(1, last);
                u.setString(2, tuning.leaseDuration().toMillis() + " milliseconds");
                u.setString(3, organization.value());
                u.setString(4, consumerGroup);
                u.setString(5, workerId);
                u.setLong(6, last);
                return u.executeUpdate() == 1;
            }
        });
        LOG.trace("Change feed {}: {} change(s) up to {} delivered{}", consumerGroup, changes.size(), last,
                kept ? "" : "; checkpoint not written, the lease moved on (the new holder replays the batch)");
        return true;
    }

    private Optional<ChangeFeed.Change> toChange(long seq, String kind, String mirror, String branch, String state) {
        try {
            MirrorId id = MirrorId.of(mirror);
            if (ChangeLog.MIRROR.equals(kind)) {
                return Optional.of(new ChangeFeed.MirrorChanged(id));
            }
            if (ChangeLog.BRANCH.equals(kind) && branch != null) {
                return Optional.of(new ChangeFeed.BranchChanged(id, BranchId.of(branch), state == null ? Optional.empty()
                        : Optional.of(StoreJson.branchState(state, "change " + seq + " of " + mirror + "/" + branch))));
            }
            LOG.trace("Change {} of kind {} is no change for this feed", seq, kind);
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.warn("Change feed {}: change {} of {}/{} cannot be read ({}); skipped, the periodic reconcile meets the same"
                    + " item", consumerGroup, seq, mirror, branch, e.getMessage());
            return Optional.empty();
        }
    }

    private void pruneIfDue() {
        long now = System.nanoTime();
        if (lastPrune != 0 && now - lastPrune < tuning.pruneInterval().toNanos()) {
            return;
        }
        lastPrune = now;
        int deleted = db.inTransaction("prune change log of " + organization, c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_changes WHERE organization = ?"
                    + " AND written_at < now() - ?::interval")) {
                d.setString(1, organization.value());
                d.setString(2, tuning.retention().toSeconds() + " seconds");
                return d.executeUpdate();
            }
        });
        if (deleted > 0) {
            LOG.info("Change feed {}: pruned {} change(s) older than {} h", consumerGroup, deleted, tuning.retention().toHours());
        }
    }

    private void ensureListening() throws SQLException {
        if (listen != null || db.isCockroach()) {
            return;
        }
        Connection c = db.openDedicatedConnection();
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + ChangeLog.CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        listen = c;
    }

    /** Waits up to {@code timeout}: for a NOTIFY of this organization when listening, or for close. */
    private void await(Duration timeout) {
        if (listen == null) {
            try {
                stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            PGConnection pg = listen.unwrap(PGConnection.class);
            while (stop.getCount() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                PGNotification[] notes = pg.getNotifications((int) Math.min(left, Integer.MAX_VALUE));
                if (notes != null) {
                    for (PGNotification note : notes) {
                        if (organization.value().equals(note.getParameter())) {
                            return;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            LOG.debug("Change feed {}: the LISTEN connection failed ({}); polling until it is back", consumerGroup, e.getMessage());
            closeListen();
        }
    }

    private void closeListen() {
        if (listen != null) {
            try {
                listen.close();
            } catch (SQLException e) {
                LOG.trace("Closing the LISTEN connection failed ({})", e.getMessage());
            }
            listen = null;
        }
    }

    private void onError(Exception e) {
        long now = System.nanoTime();
        if (lastErrorLog == 0 || now - lastErrorLog > TimeUnit.SECONDS.toNanos(10)) {
            lastErrorLog = now;
            LOG.warn("Change feed {}: reading failed ({}); retrying, changes wait in the log", consumerGroup, e.getMessage());
        }
    }

    /** Gives the lease up, so another process of the group takes over at once instead of after the lease. */
    private void release() {
        if (!holding) {
            return;
        }
        try {
            db.inTransaction("release the lease of change feed " + consumerGroup, c -> {
                try (PreparedStatement u = c.prepareStatement("UPDATE lakemirror_change_consumers SET lease_until = now()"
                        + " WHERE organization = ? AND consumer_group = ? AND lease_owner = ?")) {
                    u.setString(1, organization.value());
                    u.setString(2, consumerGroup);
                    u.setString(3, workerId);
                    return u.executeUpdate();
                }
            });
            holding = false;
        } catch (ReplicationException e) {
            LOG.debug("Change feed {}: releasing the lease failed ({}); it lapses by itself", consumerGroup, e.getMessage());
        }
    }

    /** Stops reading within {@link Tuning#shutdownTimeout()} and releases the lease; the last batch was acknowledged. */
    @Override
    public void close() {
        Thread reader;
        synchronized (this) {
            started = true;
            reader = thread;
        }
        stop.countDown();
        if (reader == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            reader.join(tuning.shutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            LOG.warn("Change feed {}: reading thread still running {} ms after close", consumerGroup,
                    tuning.shutdownTimeout().toMillis());
        }
        LOG.info("Change feed {} (worker {}) stopped in {} ms", consumerGroup, workerId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
}
