package io.lakemirror.audit;

import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorsReader;
import java.util.Objects;
import java.util.Optional;

/**
 * The mirror to audit and where to read it.
 *
 * @param spec         the mirror (source repository and region, mirror repository, namespace)
 * @param sourceLakeFs the lakeFS of the source region
 * @param mirrorLakeFs the lakeFS of the destination region
 * @param mirrorBucket reads the mirror's storage namespace (the destination region's bucket)
 * @param pipeline     the mirrors database, read only, to tell a mirror that is still applying a reset or a deletion
 *                     of the source from one that breaks I2 or I6; without it every such difference is a finding
 */
public record AuditTarget(MirrorSpec spec, LakeFs sourceLakeFs, LakeFs mirrorLakeFs, BlockStore mirrorBucket,
                          Optional<MirrorsReader> pipeline) {
    public AuditTarget {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(sourceLakeFs, "sourceLakeFs");
        Objects.requireNonNull(mirrorLakeFs, "mirrorLakeFs");
        Objects.requireNonNull(mirrorBucket, "mirrorBucket");
        Objects.requireNonNull(pipeline, "pipeline");
    }
}
