package io.lakemirror.postgres;

import io.lakemirror.auth.LakeFsKv;
import io.lakemirror.auth.LakeFsKvContract;
import io.lakemirror.config.ConfigLoader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * lakeFS's KV read from PostgreSQL, on a table laid out as lakeFS creates it ({@code partition_key}, {@code key},
 * {@code value}, all bytea, hash-partitioned), named by the connection string's {@code lakefskv_table}.
 */
class PostgresLakeFsKvIT extends LakeFsKvContract {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final AtomicInteger PARTITIONS = new AtomicInteger();
    private static String jdbcUrl;
    private static PostgresLakeFsKv kv;
    private final String partition = "p" + PARTITIONS.incrementAndGet();

    @BeforeAll
    static void start() throws SQLException {
        String connection = POSTGRES.server().newDatabase("lakefs_kv");
        jdbcUrl = ConnectionString.parse(connection).jdbcUrl();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lakefs_kv (partition_key BYTEA NOT NULL, key BYTEA NOT NULL, value BYTEA NOT NULL,"
                    + " PRIMARY KEY (partition_key, key)) PARTITION BY HASH (partition_key)");
            for (int i = 0; i < 4; i++) {
                s.execute("CREATE TABLE lakefs_kv_" + i + " PARTITION OF lakefs_kv FOR VALUES WITH (MODULUS 4, REMAINDER " + i + ")");
            }
        }
        Map<String, Object> values = regionConfigWithoutDatabase();
        values.put("database.type", "postgres");
        values.put("database.postgres.connection_string", connection + "&lakefskv_table=lakefs_kv");
        kv = PostgresLakeFsKv.create(ConfigLoader.fromMap(values));
    }

    @AfterAll
    static void stop() {
        if (kv != null) {
            kv.close();
        }
    }

    @Override
    protected LakeFsKv kv() {
        return kv;
    }

    @Override
    protected void write(String partition, byte[] key, byte[] value) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement s = c.prepareStatement("INSERT INTO lakefs_kv (partition_key, key, value) VALUES (?, ?, ?)")) {
            s.setBytes(1, partition.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.setBytes(2, key);
            s.setBytes(3, value);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected String partition() {
        return partition;
    }
}
