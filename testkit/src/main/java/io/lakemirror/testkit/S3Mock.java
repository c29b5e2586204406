package io.lakemirror.testkit;

import com.adobe.testing.s3mock.S3MockApplication;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 on one machine: Adobe S3Mock embedded in this JVM on free ports, one server holding every
 * region's buckets. Clients use path-style addressing ({@link LocalAws#s3}).
 *
 * <p>S3Mock is a Spring Boot application. Left alone, Spring Boot re-initialises Logback for the
 * whole JVM (and S3Mock's silent mode sets the root level to WARN, hiding the test's own logs), so
 * this class turns Spring Boot's logging system off before the first start and quiets Tomcat's
 * java.util.logging output instead.
 */
public final class S3Mock extends FolderBackedS3 {
    private static final Logger LOG = LoggerFactory.getLogger(S3Mock.class);
    private static final String SPRING_LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";
    /** Strong references: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final List<java.util.logging.Logger> QUIETED = List.of(
            java.util.logging.Logger.getLogger("org.apache.catalina"),
            java.util.logging.Logger.getLogger("org.apache.coyote"),
            java.util.logging.Logger.getLogger("org.apache.tomcat"));

    private final S3MockApplication application;

    private S3Mock(S3MockApplication application, Path root) {
        super("S3Mock", application.getHttpPort(), root);
        this.application = application;
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
        Path root = StorageFolders.create("s3mock");
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

    @Override
    int port() {
        return application.getHttpPort();
    }

    @Override
    void stopServer() {
        application.stop();
    }
}
