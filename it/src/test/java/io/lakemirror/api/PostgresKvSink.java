package io.lakemirror.api;

import io.lakemirror.testkit.EmbeddedPostgresServer;
import io.lakemirror.testserver.auth.KvSink;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * lakeFS's KV on PostgreSQL as lakeFS lays it out ({@code pkg/kv/postgres}: table {@code kv} of {@code bytea}
 * {@code partition_key}, {@code key}, {@code value}, hash-partitioned on the partition key), written by a lakeFS test
 * server ({@link io.lakemirror.testserver.LakeFsTestServer#writeAuthTo}) the way lakeFS writes it: an upsert per
 * put, a delete per delete.
 */
final class PostgresKvSink implements KvSink {
    private final String jdbcUrl;
    private final String describe;

    private PostgresKvSink(String jdbcUrl, String describe) {
        this.jdbcUrl = jdbcUrl;
        this.describe = describe;
    }

    /** Creates {@code database} on {@code server} with lakeFS's {@code kv} table and returns a sink writing into it. */
    static PostgresKvSink create(EmbeddedPostgresServer server, String database) {
        server.createDatabase(database);
        PostgresKvSink sink = new PostgresKvSink("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database,
                "PostgreSQL " + database + ".kv on port " + server.port());
        try (Connection c = sink.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS kv (partition_key BYTEA NOT NULL, key BYTEA NOT NULL,"
                    + " value BYTEA NOT NULL, PRIMARY KEY (partition_key, key)) PARTITION BY HASH (partition_key)");
            for (int i = 0; i < 4; i++) {
                s.execute("CREATE TABLE IF NOT EXISTS kv_" + i + " PARTITION OF kv FOR VALUES WITH (MODULUS 4, REMAINDER "
                        + i + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create lakeFS's kv table in " + sink.describe, e);
        }
        return sink;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    @Override
    public void put(String partition, byte[] key, byte[] value) {
        update("INSERT INTO kv (partition_key, key, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (partition_key, key) DO UPDATE SET value = EXCLUDED.value", partition, key, value);
    }

    @Override
    public void delete(String partition, byte[] key) {
        update("DELETE FROM kv WHERE partition_key = ? AND key = ?", partition, key, null);
    }

    private void update(String sql, String partition, byte[] key, byte[] value) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setBytes(1, partition.getBytes(StandardCharsets.UTF_8));
            s.setBytes(2, key);
            if (value != null) {
                s.setBytes(3, value);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("lakeFS test server: writing " + partition + " into " + describe + " failed", e);
        }
    }

    @Override
    public String describe() {
        return describe;
    }
}
