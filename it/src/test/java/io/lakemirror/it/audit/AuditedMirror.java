package io.lakemirror.it.audit;

import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LakeFs;

/**
 * One mirror the auditor watches: where its source lives, where the mirror lives, and the mirror's
 * storage namespace in the destination bucket. Nothing here comes from the replication service.
 */
public record AuditedMirror(String name, LakeFs sourceLakeFs, RepositoryId source, LakeFs mirrorLakeFs,
                            RepositoryId mirror, StorageNamespace mirrorNamespace) {
    @Override
    public String toString() {
        return name;
    }
}
