package io.lakemirror.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lakemirror.auth.LakeFsKv;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.RetryableException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * lakeFS's KV in its PostgreSQL database ({@code database.postgres.*}), read-only: the table {@code kv} (or the
 * connection string's {@code lakefskv_table} parameter, as lakeFS reads it) with the {@code bytea} columns
 * {@code partition_key}, {@code key} and {@code value} (docs/design/lakefs-facts.md §5.2). Keys compare as
 * unsigned bytes in PostgreSQL as in lakeFS.
 */
public final class PostgresLakeFsKv implements LakeFsKv {
    /** lakeFS's default KV table. */
    public static final String DEFAULT_TABLE = "kv";
    private static final Pattern TABLE_PARAMETER = Pattern.compile("([?&])lakefskv_table=([^&#]*)&?");

    private final HikariDataSource pool;
    private final String table;
    private final String quotedTable;

    PostgresLakeFsKv(HikariDataSource pool, String table) {
        this.pool = pool;
        this.table = table;
        this.quotedTable = "\"" + table.replace("\"", "\"\"") + "\"";
    }

    /** A reader of lakeFS's database as {@code database.postgres.*} describes it. */
    public static PostgresLakeFsKv create(ReplicationConfig config) {
        ReplicationConfig.LakeFsDatabaseSettings db = config.lakeFsDatabase();
        String raw = db.postgresConnectionString().orElseThrow(() -> new io.lakemirror.domain.InvalidInputException(
                "database.postgres.connection_string is required when database.type is postgres")).reveal();
        Matcher m = TABLE_PARAMETER.matcher(raw);
        String table = DEFAULT_TABLE;
        String connection = raw;
        if (m.find()) {
            table = java.net.URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            connection = (raw.substring(0, m.start()) + m.group(1) + raw.substring(m.end())).replaceAll("[?&]$", "");
        }
        ConnectionString parsed = ConnectionString.parse(connection);
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(parsed.jdbcUrl());
        parsed.user().ifPresent(hikari::setUsername);
        parsed.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(db.postgresMaxOpenConnections());
        hikari.setMinimumIdle(0);
        hikari.setMaxLifetime(db.postgresConnectionMaxLifetime().toMillis());
        hikari.setReadOnly(true);
        hikari.setPoolName("lakefs-kv");
        hikari.setInitializationFailTimeout(-1);
        return new PostgresLakeFsKv(new HikariDataSource(hikari), table);
    }

    @Override
    public Optional<byte[]> get(String partition, byte[] key) {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT value FROM " + quotedTable + " WHERE partition_key = ? AND key = ?")) {
            s.setBytes(1, partition.getBytes(StandardCharsets.UTF_8));
            s.setBytes(2, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read lakeFS's item " + partition + "/" + new String(key, StandardCharsets.UTF_8), e);
        }
    }

    @Override
    public List<Entry> scan(String partition, byte[] prefix, Optional<byte[]> after, int limit) {
        Optional<byte[]> upper = upperBound(prefix);
        byte[] from = after.filter(a -> Arrays.compareUnsigned(a, prefix) >= 0).orElse(prefix);
        boolean exclusive = after.isPresent() && from != prefix;
        String sql = "SELECT key, value FROM " + quotedTable + " WHERE partition_key = ? AND key " + (exclusive ? ">" : ">=")
                + " ?" + (upper.isPresent() ? " AND key < ?" : "") + " ORDER BY key LIMIT ?";
        List<Entry> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            s.setBytes(i++, partition.getBytes(StandardCharsets.UTF_8));
            s.setBytes(i++, from);
            if (upper.isPresent()) {
                s.setBytes(i++, upper.get());
            }
            s.setInt(i, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getBytes(1), r.getBytes(2)));
                }
            }
        } catch (SQLException e) {
            throw failed("list lakeFS's items " + partition + "/" + new String(prefix, StandardCharsets.UTF_8) + "*", e);
        }
        return out;
    }

    /** The smallest key above every key that starts with {@code prefix}; none when the prefix is all 0xff. */
    static Optional<byte[]> upperBound(byte[] prefix) {
        byte[] b = prefix.clone();
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                b[i]++;
                return Optional.of(Arrays.copyOf(b, i + 1));
            }
        }
        return Optional.empty();
    }

    private RetryableException failed(String what, SQLException e) {
        return new RetryableException("lakeFS's PostgreSQL table " + table + ": cannot " + what + " (" + e.getMessage()
                + "); the request can be retried", e);
    }

    @Override
    public String describe() {
        return "PostgreSQL table " + table;
    }

    @Override
    public void close() {
        pool.close();
    }
}
