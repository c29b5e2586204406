package io.lakemirror.postgres;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.Refstore;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the PostgreSQL-backed stores of one process from its configuration: the mirrors database
 * and its change feeds when {@code mirrors_database.type} is postgres, the refstore when
 * {@code refstore_database.type} is (one pool when both name the same connection string). Opening
 * a database migrates its schema. Owns the pools; {@link #close()} closes them (close the change
 * feeds first).
 */
public final class PostgresStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStores.class);
    /** The name under which the mirrors database's consumer groups are formed ({@link ChangeFeed#consumerGroup}). */
    public static final String CHANGE_LOG = "lakemirror_changes";

    private final ReplicationConfig config;
    private final UnaryOperator<PostgresChangeFeed.Tuning> tuning;
    private final Optional<PostgresDatabase> mirrorsDb;
    private final Optional<PostgresDatabase> refstoreDb;
    private final Optional<PostgresMirrorsDatabase> mirrorsDatabase;
    private final Optional<PostgresRefstore> refstore;

    private PostgresStores(ReplicationConfig config, UnaryOperator<PostgresChangeFeed.Tuning> tuning) {
        this.config = config;
        this.tuning = tuning;
        ReplicationConfig.DatabaseSettings mirrors = config.mirrorsDatabase();
        ReplicationConfig.DatabaseSettings refs = config.refstoreDatabase();
        Optional<PostgresDatabase> m = Optional.empty();
        Optional<PostgresDatabase> r = Optional.empty();
        try {
            if (mirrors.type().equals("postgres")) {
                m = Optional.of(open("mirrors_database", mirrors));
            }
            if (refs.type().equals("postgres")) {
                boolean shared = m.isPresent() && refs.postgresConnectionString().equals(mirrors.postgresConnectionString());
                r = shared ? m : Optional.of(open("refstore_database", refs));
            }
        } catch (RuntimeException e) {
            m.ifPresent(PostgresDatabase::close);
            throw e;
        }
        this.mirrorsDb = m;
        this.refstoreDb = r;
        this.mirrorsDatabase = m.map(db -> new PostgresMirrorsDatabase(db, config.organizationId()));
        this.refstore = r.map(db -> new PostgresRefstore(db, config.organizationId()));
    }

    /**
     * Connects to the PostgreSQL databases of {@code config} and migrates their schema.
     *
     * @throws io.lakemirror.domain.ReplicationException when a database cannot be reached, used or migrated
     */
    public static PostgresStores open(ReplicationConfig config) {
        return open(config, UnaryOperator.identity());
    }

    /** As {@link #open(ReplicationConfig)}, with the change feeds' timings adjusted (tests shorten the lease). */
    public static PostgresStores open(ReplicationConfig config, UnaryOperator<PostgresChangeFeed.Tuning> tuning) {
        return new PostgresStores(Objects.requireNonNull(config, "config"), Objects.requireNonNull(tuning, "tuning"));
    }

    private static PostgresDatabase open(String section, ReplicationConfig.DatabaseSettings settings) {
        ConnectionString connection = ConnectionString.parse(settings.postgresConnectionString()
                .orElseThrow(() -> new InvalidInputException(section + ".postgres.connection_string is required when "
                        + section + ".type is postgres")).reveal());
        ReplicationConfig.PostgresPoolSettings pool = settings.postgresPool();
        return PostgresDatabase.open(connection, new PostgresDatabase.Pool(pool.maxOpenConnections(),
                pool.maxIdleConnections(), pool.connectionMaxLifetime()));
    }

    public MirrorsDatabase mirrorsDatabase() {
        return mirrorsDatabase.orElseThrow(() -> new IllegalStateException("mirrors_database.type is "
                + config.mirrorsDatabase().type() + ", not postgres"));
    }

    public Refstore refstore() {
        return refstore.orElseThrow(() -> new IllegalStateException("refstore_database.type is "
                + config.refstoreDatabase().type() + ", not postgres"));
    }

    /** The consumer group of this region's promoters: {@code lakemirror_changes-changes-<region>}. */
    public String defaultConsumerGroup() {
        return ChangeFeed.consumerGroup(CHANGE_LOG, config.region());
    }

    /** A change feed of {@link #defaultConsumerGroup()} (not started) with this process's worker ID. */
    public PostgresChangeFeed changeFeed(String workerId) {
        return changeFeed(defaultConsumerGroup(), workerId);
    }

    /** A change feed (not started) of a consumer group; processes that must each see every change need distinct groups. */
    public PostgresChangeFeed changeFeed(String consumerGroup, String workerId) {
        PostgresDatabase db = mirrorsDb.orElseThrow(() -> new IllegalStateException("mirrors_database.type is "
                + config.mirrorsDatabase().type() + ", not postgres: no PostgreSQL change feed"));
        return new PostgresChangeFeed(db, config.organizationId(), consumerGroup, workerId,
                tuning.apply(PostgresChangeFeed.Tuning.production(config.changeFeed().pollInterval())));
    }

    /** {@code <host>-<pid>-<random>}: unique per process, readable in the lease. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Closes the pools; close the change feeds built here first. */
    @Override
    public void close() {
        refstoreDb.filter(r -> mirrorsDb.map(m -> m != r).orElse(true)).ifPresent(PostgresDatabase::close);
        mirrorsDb.ifPresent(PostgresDatabase::close);
        LOG.debug("PostgreSQL stores closed");
    }
}
