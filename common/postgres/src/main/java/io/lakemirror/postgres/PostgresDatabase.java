package io.lakemirror.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL (or CockroachDB) database: a HikariCP pool, transactions with the retries the
 * database asks for, and error translation. Every store of the database shares it.
 *
 * <p>A transaction that fails with SQLSTATE {@code 40001} or {@code 40P01} (a serialization failure
 * or deadlock; CockroachDB answers every transaction conflict this way) runs again from the start,
 * up to {@value #SERIALIZATION_ATTEMPTS} times with jittered backoff; then it surfaces as a
 * {@link RetryableException}. A transaction body must therefore be safe to run again: it reads
 * what it decides on inside the transaction.
 */
public final class PostgresDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    static final int SERIALIZATION_ATTEMPTS = 8;
    /** How long startup waits for a database that refuses connections. */
    static final Duration STARTUP_PATIENCE = Duration.ofSeconds(60);
    private static final AtomicInteger POOLS = new AtomicInteger();

    /**
     * Pool settings, with lakeFS's names and defaults ({@code database.postgres.*}).
     *
     * @param maxOpenConnections most connections open at once
     * @param maxIdleConnections connections kept open while idle (at most {@code maxOpenConnections})
     * @param connectionMaxLifetime how long a connection lives before the pool replaces it (at least 30 s)
     */
    public record Pool(int maxOpenConnections, int maxIdleConnections, Duration connectionMaxLifetime) {
        public Pool {
            if (maxOpenConnections < 1) {
                throw new IllegalArgumentException("maxOpenConnections must be at least 1, got " + maxOpenConnections);
            }
            Objects.requireNonNull(connectionMaxLifetime, "connectionMaxLifetime");
        }

        /** lakeFS's defaults: 25 open, 25 idle, 5 minutes. */
        public static Pool defaults() {
            return new Pool(25, 25, Duration.ofMinutes(5));
        }
    }

    /** A unit of work on one connection, inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final ConnectionString connection;
    private final HikariDataSource pool;
    private final Retry serializationRetry;
    private final boolean cockroach;

    private PostgresDatabase(ConnectionString connection, HikariDataSource pool, boolean cockroach) {
        this.connection = connection;
        this.pool = pool;
        this.cockroach = cockroach;
        this.serializationRetry = Retry.of("postgres-serialization", RetryConfig.custom()
                .maxAttempts(SERIALIZATION_ATTEMPTS)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(10), 2.0, 0.5,
                        Duration.ofMillis(500)))
                .retryOnException(PostgresErrors::isSerializationFailure)
                .failAfterMaxAttempts(false)
                .build());
    }

    /**
     * Opens the pool, checks that the database answers, and migrates the schema to this version.
     *
     * @throws ReplicationException when the database cannot be reached, used or migrated
     */
    public static PostgresDatabase open(ConnectionString connection, Pool settings) {
        HikariConfig config = poolConfig(connection, settings);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            PostgresDatabase db = untilReachable(connection, () -> {
                PostgresDatabase opened = new PostgresDatabase(connection, pool, detectCockroach(connection, pool));
                SchemaMigrations.migrate(opened);
                return opened;
            });
            boolean cockroach = db.cockroach;
            LOG.info("PostgreSQL {} ready{} (pool of {} connections, {} idle, lifetime {} s)", connection.masked(),
                    cockroach ? " (CockroachDB: change feed polls without LISTEN/NOTIFY)" : "", settings.maxOpenConnections(),
                    config.getMinimumIdle(), config.getMaxLifetime() / 1000);
            return db;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** A database whose pool is not checked nor its schema migrated (tests of unreachable databases). */
    static PostgresDatabase openWithoutMigrating(ConnectionString connection, Pool settings) {
        HikariConfig config = poolConfig(connection, settings);
        config.setConnectionTimeout(Duration.ofSeconds(2).toMillis());
        return new PostgresDatabase(connection, new HikariDataSource(config), false);
    }

    private static HikariConfig poolConfig(ConnectionString connection, Pool settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("lakemirror-postgres-" + POOLS.incrementAndGet());
        config.setJdbcUrl(connection.jdbcUrl());
        connection.user().ifPresent(config::setUsername);
        connection.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.maxOpenConnections());
        config.setMinimumIdle(Math.max(0, Math.min(settings.maxIdleConnections(), settings.maxOpenConnections())));
        long lifetime = Math.max(Duration.ofSeconds(30).toMillis(), settings.connectionMaxLifetime().toMillis());
        config.setMaxLifetime(lifetime);
        // Idle connections above the idle count close after half a lifetime (HikariCP wants it below the lifetime).
        config.setIdleTimeout(Math.max(Duration.ofSeconds(10).toMillis(), lifetime / 2));
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        config.setValidationTimeout(Duration.ofSeconds(3).toMillis());
        // Startup must not wait for a database that is down: the first call reports it instead.
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        // Named, not detected: HikariCP detects the default isolation on its first connection, and a pool
        // started while the database was down (initializationFailTimeout -1) kept an isolation of -1 that
        // made every later connection fail ("Transaction isolation level -1 not supported"), so a process
        // started during a database restart never recovered.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "lakemirror");
        return config;
    }

    /**
     * Runs a startup step again while it fails retryably, for up to {@link #STARTUP_PATIENCE}: a
     * process started while its database restarts waits for it instead of exiting.
     */
    private static <T> T untilReachable(ConnectionString connection, java.util.function.Supplier<T> step) {
        long deadline = System.nanoTime() + STARTUP_PATIENCE.toNanos();
        long backoffMillis = 200;
        while (true) {
            try {
                return step.get();
            } catch (RetryableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("PostgreSQL {} not reachable yet ({}); trying again in {} ms", connection.masked(), e.getMessage(),
                        backoffMillis);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    private static boolean detectCockroach(ConnectionString connection, HikariDataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version()")) {
            r.next();
            return r.getString(1).contains("CockroachDB");
        } catch (SQLException e) {
            throw PostgresErrors.translate(connection.masked(), "connect", e);
        }
    }

    /** The connection string with its password masked, for messages. */
    public String describe() {
        return connection.masked();
    }

    ConnectionString connectionString() {
        return connection;
    }

    /** Whether the database is CockroachDB, which has neither LISTEN/NOTIFY nor advisory locks. */
    public boolean isCockroach() {
        return cockroach;
    }

    /** Runs {@code work} in a transaction, committed when it returns, retried on serialization failures. */
    public <T> T inTransaction(String call, Work<T> work) {
        try {
            return serializationRetry.executeCallable(() -> attempt(work));
        } catch (SQLException e) {
            if (PostgresErrors.isSerializationFailure(e)) {
                throw new RetryableException("PostgreSQL " + describe() + ": " + call + " met a transaction conflict "
                        + SERIALIZATION_ATTEMPTS + " times in a row (SQLSTATE " + e.getSQLState() + ")"
                        + PostgresErrors.RETRIED, e);
            }
            throw PostgresErrors.translate(describe(), call, e);
        } catch (ReplicationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(call + " failed unexpectedly", e);
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // A broken connection: the pool evicts it.
                }
            }
        }
    }

    /**
     * A connection of its own, outside the pool, for LISTEN: it stays open for as long as the caller
     * keeps it. The caller closes it.
     */
    Connection openDedicatedConnection() throws SQLException {
        Properties properties = new Properties();
        connection.user().ifPresent(u -> properties.setProperty("user", u));
        connection.password().ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "lakemirror-change-feed");
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(connection.jdbcUrl(), properties);
    }

    @Override
    public void close() {
        pool.close();
    }
}
