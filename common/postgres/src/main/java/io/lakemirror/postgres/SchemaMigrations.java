package io.lakemirror.postgres;

import io.lakemirror.domain.NonRetryableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at startup: plain SQL files
 * ({@code io/lakemirror/postgres/migrations/V<n>__<what>.sql}) run in order, each in one transaction
 * together with its row in {@code lakemirror_schema_migrations}. The row is inserted first, so when
 * several processes start at once the others wait on it and then skip the migration; no lock that
 * CockroachDB lacks is needed. A database migrated by a newer lakemirror is refused.
 */
final class SchemaMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    /** One migration; {@code version} is the number in its file name. */
    record Migration(int version, String description) {
        String resource() {
            return "migrations/V" + version + "__" + description + ".sql";
        }
    }

    /** Every migration this version knows, in order. Add new ones at the end; never change an applied one. */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "mirrors_refstore_changes"));

    private SchemaMigrations() {
    }

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    static void migrate(PostgresDatabase db) {
        createHistoryTable(db);
        int current = db.inTransaction("read the schema version", c -> {
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM lakemirror_schema_migrations")) {
                r.next();
                return r.getInt(1);
            }
        });
        if (current > latestVersion()) {
            throw new NonRetryableException("PostgreSQL " + db.describe() + " has lakemirror schema version " + current
                    + ", newer than this process's " + latestVersion() + ": upgrade this process (startup stops)");
        }
        for (Migration migration : MIGRATIONS) {
            if (migration.version() <= current) {
                continue;
            }
            String sql = read(migration);
            boolean applied = db.inTransaction("schema migration " + migration.version(), c -> {
                try (PreparedStatement claim = c.prepareStatement("INSERT INTO lakemirror_schema_migrations (version,"
                        + " description) VALUES (?, ?) ON CONFLICT (version) DO NOTHING")) {
                    claim.setInt(1, migration.version());
                    claim.setString(2, migration.description());
                    if (claim.executeUpdate() == 0) {
                        return false;
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                }
                return true;
            });
            if (applied) {
                LOG.info("PostgreSQL {}: applied schema migration {} ({})", db.describe(), migration.version(),
                        migration.description());
            }
        }
    }

    private static void createHistoryTable(PostgresDatabase db) {
        String ddl = "CREATE TABLE IF NOT EXISTS lakemirror_schema_migrations (version integer PRIMARY KEY,"
                + " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";
        for (int attempt = 1; ; attempt++) {
            try {
                db.inTransaction("create lakemirror_schema_migrations", c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(ddl);
                    }
                    return null;
                });
                return;
            } catch (NonRetryableException e) {
                // Two processes creating the table at once: PostgreSQL lets one of them fail on its catalog's
                // unique index (23505) or on the name (42P07); the table exists then.
                boolean race = e.getCause() instanceof SQLException s
                        && ("23505".equals(s.getSQLState()) || "42P07".equals(s.getSQLState()));
                if (!race || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static String read(Migration migration) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(migration.resource())) {
            if (in == null) {
                throw new IllegalStateException("schema migration " + migration.resource() + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema migration " + migration.resource(), e);
        }
    }
}
