package io.lakemirror.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.RetryableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transaction retries CockroachDB needs (it answers every transaction conflict with SQLSTATE 40001, "restart
 * transaction"), played on PostgreSQL by raising that state inside the transaction: the work runs again from the
 * start on a clean transaction, and a conflict that never ends surfaces as a retryable failure.
 */
class PostgresTransactionRetryIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static PostgresDatabase database;

    @BeforeAll
    static void open() {
        String connection = POSTGRES.server().newDatabase("retry_it");
        database = PostgresDatabase.open(ConnectionString.parse(connection), new PostgresDatabase.Pool(4, 1, Duration.ofMinutes(5)));
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
    }

    private static String freshTable() {
        String table = "retry_" + TABLES.incrementAndGet();
        database.inTransaction("create " + table, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (attempt INT NOT NULL)");
            }
            return null;
        });
        return table;
    }

    /** Writes a row, then fails with {@code sqlState} as the database would when the transaction must restart. */
    private static void writeThenFail(Connection c, String table, int attempt, String sqlState) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " VALUES (" + attempt + ")");
            s.execute("DO $$ BEGIN RAISE EXCEPTION 'restart transaction' USING ERRCODE = '" + sqlState + "'; END $$");
        }
    }

    private static int rows(String table) {
        return database.inTransaction("count", c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    @Test
    void inTransaction_shouldRunTheWorkAgainOnACleanTransaction_whenTheDatabaseAsksForARestart() {
        String table = freshTable();
        AtomicInteger attempts = new AtomicInteger();

        String result = database.inTransaction("conflicted write", c -> {
            int attempt = attempts.incrementAndGet();
            if (attempt <= 2) {
                writeThenFail(c, table, attempt, attempt == 1 ? "40001" : "40P01");
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + table + " VALUES (" + attempt + ")");
            }
            return "written on attempt " + attempt;
        });

        assertThat(result).isEqualTo("written on attempt 3");
        assertThat(rows(table)).as("the failed attempts' writes were rolled back").isEqualTo(1);
    }

    @Test
    void inTransaction_shouldFailRetryably_whenEveryAttemptMeetsAConflict() {
        String table = freshTable();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> database.inTransaction("always conflicted", c -> {
            writeThenFail(c, table, attempts.incrementAndGet(), "40001");
            return null;
        })).isInstanceOf(RetryableException.class).hasMessageContaining("transaction conflict")
                .hasMessageContaining("SQLSTATE 40001");

        assertThat(attempts).hasValue(PostgresDatabase.SERIALIZATION_ATTEMPTS);
        assertThat(rows(table)).isZero();
    }

    @Test
    void inTransaction_shouldNotRetry_whenTheFailureIsNotAConflict() {
        String table = freshTable();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> database.inTransaction("bad write", c -> {
            attempts.incrementAndGet();
            writeThenFail(c, table, 1, "23505");
            return null;
        })).isNotInstanceOf(RetryableException.class);

        assertThat(attempts).hasValue(1);
        assertThat(rows(table)).isZero();
    }
}
