package io.lakemirror.infra.constructs;

import io.lakemirror.domain.Region;
import io.lakemirror.domain.StorageNamespace;
import java.util.Objects;

/**
 * One leg of the replication topology: the objects under a source storage namespace are copied by S3
 * replication to the same key prefix of a destination region's bucket, where the mirror repository's
 * namespace then lives. Keys are kept as they are, which is why a mirror's namespace must have the
 * source's key prefix.
 *
 * @param source      the source repository's namespace, in the source region's bucket
 * @param destinationRegion the region whose bucket receives the copies
 * @param destination the mirror's namespace: the destination bucket with the source's prefix
 */
public record ReplicationRoute(StorageNamespace source, Region destinationRegion, StorageNamespace destination) {
    public ReplicationRoute {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destinationRegion, "destinationRegion");
        Objects.requireNonNull(destination, "destination");
        if (!source.prefix().equals(destination.prefix())) {
            throw new IllegalArgumentException("replication keeps object keys, so " + destination
                    + " must have the key prefix of " + source);
        }
    }

    /** The route from {@code source} to the bucket {@code destinationBucket} of {@code destinationRegion}. */
    public static ReplicationRoute of(StorageNamespace source, Region destinationRegion, String destinationBucket) {
        String prefix = source.prefix();
        StorageNamespace destination = StorageNamespace.of(
                "s3://" + destinationBucket + (prefix.isEmpty() ? "" : "/" + prefix));
        return new ReplicationRoute(source, destinationRegion, destination);
    }

    /**
     * The S3 key prefix that selects the namespace's objects: its prefix with a trailing '/', so that
     * {@code repos/a} does not also select {@code repos/ab}; empty for a namespace at the bucket root.
     */
    public static String keyPrefix(StorageNamespace namespace) {
        return namespace.prefix().isEmpty() ? "" : namespace.prefix() + "/";
    }
}
