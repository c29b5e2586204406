package io.lakemirror.testkit;

import java.net.URI;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An embedded S3 server that keeps its objects under a temporary folder: what every such server shares
 * (its client, its endpoint on the loopback address, and a stop that happens once and removes the folder).
 */
abstract class FolderBackedS3 implements EmbeddedS3 {
    private static final Logger LOG = LoggerFactory.getLogger(FolderBackedS3.class);

    private final String name;
    private final Path root;
    private final S3Client client;
    private volatile boolean closed;

    FolderBackedS3(String name, int port, Path root) {
        this.name = name;
        this.root = root;
        this.client = LocalAws.s3(URI.create("http://127.0.0.1:" + port));
    }

    /** The port the server listens on. */
    abstract int port();

    /** Stops the server itself; the client is closed and the folder removed around it. */
    abstract void stopServer();

    @Override
    public final URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public final S3Client client() {
        return client;
    }

    /** Stops the server; its storage folder is removed. */
    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        client.close();
        stopServer();
        StorageFolders.delete(root);
        LOG.info("{} stopped in {} ms", name, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public final String toString() {
        return name + "[" + (closed ? "closed" : endpoint().toString()) + "]";
    }
}
