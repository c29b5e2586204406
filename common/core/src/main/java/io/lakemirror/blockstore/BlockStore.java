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
     * Random access to an object of known size, read in ranges as needed (never downloaded whole
     * first). Reading an object that disappeared raises {@link io.lakemirror.domain.NotFoundException}.
     */
    ByteSource open(String bucket, String key, long size);
}
