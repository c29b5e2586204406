package io.lakemirror.lakefs;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lakeFS repository.
 *
 * @param id               the repository name
 * @param storageNamespace where lakeFS keeps its data, as lakeFS reports it; any blockstore scheme
 *                         (lakeFS also serves {@code gs://}, {@code local://}, ...), see {@link #s3StorageNamespace()}
 * @param defaultBranch    the default branch
 * @param creationDate     when it was created (whole seconds)
 * @param readOnly         whether writes need {@code force}
 */
public record Repository(RepositoryId id, String storageNamespace, BranchId defaultBranch, Instant creationDate,
                         boolean readOnly) {

    public Repository {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(storageNamespace, "storageNamespace");
        Objects.requireNonNull(defaultBranch, "defaultBranch");
        Objects.requireNonNull(creationDate, "creationDate");
    }

    /** The storage namespace when it is on S3, the only blockstore the mirror handles. */
    public Optional<StorageNamespace> s3StorageNamespace() {
        return StorageNamespace.RULE.accepts(storageNamespace)
                ? Optional.of(StorageNamespace.of(storageNamespace))
                : Optional.empty();
    }
}
