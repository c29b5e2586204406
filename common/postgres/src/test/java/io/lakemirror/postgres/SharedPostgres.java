package io.lakemirror.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded PostgreSQL for every test class of the JVM that uses this extension (on a free port),
 * stopped when the test run ends. Each test class takes its own database ({@link #newDatabase}).
 */
public final class SharedPostgres implements BeforeAllCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private volatile Server server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = server(context);
    }

    /** The shared server, once {@link #beforeAll} ran (register the extension statically). */
    Server server() {
        if (server == null) {
            throw new IllegalStateException("register SharedPostgres as a static @RegisterExtension field");
        }
        return server;
    }

    /** The server, started on first use. */
    static Server server(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedPostgres.class, k -> new Server(), Server.class);
    }

    /** The running server; closed by JUnit at the end of the run. */
    static final class Server implements ExtensionContext.Store.CloseableResource {
        final EmbeddedPostgres postgres;

        Server() {
            try {
                postgres = EmbeddedPostgres.builder().setPort(0)
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }

        /** A new empty database, as a lakeFS-style connection string. */
        String newDatabase(String prefix) {
            String name = prefix + "_" + DATABASES.incrementAndGet();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create database " + name, e);
            }
            return "postgres://postgres:@localhost:" + postgres.getPort() + "/" + name + "?sslmode=disable";
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }
}
