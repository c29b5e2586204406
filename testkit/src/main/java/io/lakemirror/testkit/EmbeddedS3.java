package io.lakemirror.testkit;

import java.net.URI;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * An S3-compatible server the tests start in their own JVM, on a free port, holding every region's
 * buckets. Each implementation keeps its objects in a temporary folder that {@link #close()} removes.
 */
public interface EmbeddedS3 extends AutoCloseable {

    /** The plain-HTTP endpoint. */
    URI endpoint();

    /** A path-style client of this server, owned by it (closed with it). */
    S3Client client();

    /** Creates {@code bucket} unless it exists. */
    default void createBucket(String bucket) {
        try {
            client().createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // Kept: a world restarted on the same server finds its buckets.
        }
    }

    /** Stops the server and removes its objects. */
    @Override
    void close();
}
