package io.lakemirror.testkit;

import com.adobe.testing.s3mock.S3MockApplication;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * S3 on one machine: Adobe S3Mock embedded in this JVM on free ports, one server holding every
 * region's buckets. Clients use path-style addressing ({@link LocalAws#s3}).
 *
 * <p>S3Mock is a Spring Boot application. Left alone, Spring Boot re-initialises Logback for the
 * whole JVM (and S3Mock's silent mode sets the root level to WARN, hiding the test's own logs), so
 * this class turns Spring Boot's logging system off before the first start and quiets Tomcat's
 * java.util.logging output instead.
 */
public final class S3Mock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Mock.class);
    private static final String SPRING_LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";
    /** Strong references: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final List<java.util.logging.Logger> QUIETED = List.of(
            java.util.logging.Logger.getLogger("org.apache.catalina"),
            java.util.logging.Logger.getLogger("org.apache.coyote"),
            java.util.logging.Logger.getLogger("org.apache.tomcat"));

    private final S3MockApplication application;
    private final Path root;
    private final S3Client client;
    private volatile boolean closed;

    private S3Mock(S3MockApplication application, Path root) {
        this.application = application;
        this.root = root;
        this.client = LocalAws.s3(endpoint());
    }

    /** Starts S3Mock with a fresh, temporary storage folder, on a free port. */
    public static S3Mock start() {
        return start(0, true);
    }

    /**
     * Starts S3Mock with a fresh, temporary storage folder.
     *
     * @param httpPort     the plain-HTTP port; 0 picks a free one
     * @param shutdownHook whether Spring Boot may stop it from its own JVM shutdown hook; an owner
     *                     that stops its servers in order from one hook of its own says false
     */
    public static S3Mock start(int httpPort, boolean shutdownHook) {
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + httpPort);
        }
        long started = System.nanoTime();
        quietLogging();
        Path root;
        try {
            root = Files.createTempDirectory("lakemirror-s3mock-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a storage folder for S3Mock", e);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(S3MockApplication.PROP_HTTP_PORT, httpPort == 0 ? S3MockApplication.RANDOM_PORT : httpPort);
        properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
        properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
        properties.put(S3MockApplication.PROP_SILENT, true);
        properties.put("server.address", "127.0.0.1");
        properties.put("spring.main.log-startup-info", false);
        properties.put("spring.main.register-shutdown-hook", shutdownHook);
        // S3Mock's StoreCleaner deletes the storage folder from a JVM shutdown hook of its own unless
        // told to retain it; close() removes the folder anyway.
        properties.put("com.adobe.testing.s3mock.store.retainFilesOnExit", !shutdownHook);
        S3MockApplication application;
        try {
            application = S3MockApplication.start(properties);
        } catch (RuntimeException e) {
            throw new IllegalStateException("S3Mock did not start: " + e.getMessage(), e);
        }
        S3Mock mock = new S3Mock(application, root);
        LOG.info("S3Mock started on {} in {} ms", mock.endpoint(), (System.nanoTime() - started) / 1_000_000);
        return mock;
    }

    private static void quietLogging() {
        if (System.getProperty(SPRING_LOGGING_SYSTEM) == null) {
            System.setProperty(SPRING_LOGGING_SYSTEM, "none");
        }
        QUIETED.forEach(logger -> logger.setLevel(Level.WARNING));
    }

    /** The plain-HTTP endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + application.getHttpPort());
    }

    /** A path-style client of this server, owned by it (closed with it). */
    public S3Client client() {
        return client;
    }

    /** Creates {@code bucket} unless it exists. */
    public void createBucket(String bucket) {
        try {
            client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            LOG.trace("Bucket {} exists (kept)", bucket);
        }
    }

    /** Stops the server; its storage folder is removed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        client.close();
        application.stop();
        deleteRecursively(root);
        LOG.info("S3Mock stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.trace("Cannot delete {} ({})", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("Cannot remove S3Mock storage {} ({})", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "S3Mock[" + (closed ? "closed" : endpoint().toString()) + "]";
    }
}
