package io.lakemirror.postgres;

import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Turns JDBC failures into the domain exceptions, with the database and the call in the message and
 * what happens next at its end. What a later attempt may not meet is retryable: lost or refused
 * connections (SQLSTATE class 08, {@code 57P01}–{@code 57P03}), serialization failures and deadlocks
 * ({@code 40001}, {@code 40P01}: CockroachDB's transaction retries among them), lack of resources
 * (class 53), a statement cancelled by a timeout ({@code 57014}) and the pool's own timeouts.
 * Everything else is not.
 */
public final class PostgresErrors {
    static final String RETRIED = "; the caller retries with backoff";
    static final String NOT_RETRIED = "; not retried, the same call would fail the same way";
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "57014",
            "55P03", "58030");

    private PostgresErrors() {
    }

    /** Whether a failure is a transaction conflict the database asks the client to retry (SQLSTATE 40001, 40P01). */
    static boolean isSerializationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    static boolean isTransient(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLTransientException || state.startsWith("08") || state.startsWith("53")
                || TRANSIENT_STATES.contains(state);
    }

    /**
     * The domain exception for a failed call.
     *
     * @param database the database, masked ({@link ConnectionString#masked()})
     * @param call     the operation and what it acted on, for example {@code recordValidated(m1/main, sequence 3)}
     */
    public static ReplicationException translate(String database, String call, SQLException e) {
        String state = e.getSQLState() == null ? "none" : e.getSQLState();
        String what = "PostgreSQL " + database + ": " + call + " failed: " + e.getMessage() + " (SQLSTATE " + state + ")";
        if (isTransient(e)) {
            return new RetryableException(what + RETRIED, e);
        }
        if (state.startsWith("28")) {
            return new AuthenticationException(what + "; check the user and password of the connection string" + NOT_RETRIED, e);
        }
        if (state.equals("42501")) {
            return new AuthorizationException(what + "; grant the connection string's user access to the lakemirror_*"
                    + " tables (or the right to create them)" + NOT_RETRIED, e);
        }
        return new NonRetryableException(what + NOT_RETRIED, e);
    }
}
