package io.lakemirror.blockstore;

import io.lakemirror.blockstore.ByteSource;
import java.util.Optional;

/**
 * Read access to this region's buckets. A missing object is an empty result, never an error;
 * throttling, 5xx and timeouts raise {@link io.lakemirror.domain.RetryableException}.
 */
public interface BlockStore {

    /** Size of an object, or empty when it does not exist. */
    Optional<Long> head(String bucket, String key);

    /**
     * Size and ETag of an object, or empty when it does not exist: what the integrity audit compares with
     * the size and ETag a lakeFS range records for each data object. The default knows no ETag; adapters
     * that get one from the same request override it.
     */
    default Optional<ObjectStat> stat(String bucket, String key) {
        return head(bucket, key).map(size -> new ObjectStat(size, Optional.empty()));
    }

    /**
     * Random access to an object of known size, read in ranges as needed (never downloaded whole
     * first). Reading an object that disappeared raises {@link io.lakemirror.domain.NotFoundException}.
     */
    ByteSource open(String bucket, String key, long size);
}
