package io.lakemirror.lakefs;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.util.Objects;

/**
 * What to create with {@code POST /repositories}.
 *
 * @param id               the repository name
 * @param storageNamespace where its data lives
 * @param defaultBranch    the default branch ({@code main} unless said otherwise)
 * @param bare             create no initial commit and no branch (a mirror starts bare)
 * @param readOnly         refuse writes without {@code force}; fixed for the repository's life
 */
public record RepositoryCreation(RepositoryId id, StorageNamespace storageNamespace, BranchId defaultBranch,
                                 boolean bare, boolean readOnly) {
    public static final BranchId DEFAULT_BRANCH = BranchId.of("main");

    public RepositoryCreation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(storageNamespace, "storageNamespace");
        Objects.requireNonNull(defaultBranch, "defaultBranch");
    }

    /** A normal repository: initial commit on {@code main}, writable. */
    public static RepositoryCreation of(RepositoryId id, StorageNamespace storageNamespace) {
        return new RepositoryCreation(id, storageNamespace, DEFAULT_BRANCH, false, false);
    }

    /** A mirror repository: bare and read-only. */
    public static RepositoryCreation mirror(RepositoryId id, StorageNamespace storageNamespace, BranchId defaultBranch) {
        return new RepositoryCreation(id, storageNamespace, defaultBranch, true, true);
    }

    public RepositoryCreation withDefaultBranch(BranchId branch) {
        return new RepositoryCreation(id, storageNamespace, branch, bare, readOnly);
    }

    public RepositoryCreation withBare(boolean noInitialCommit) {
        return new RepositoryCreation(id, storageNamespace, defaultBranch, noInitialCommit, readOnly);
    }

    public RepositoryCreation withReadOnly(boolean refuseWrites) {
        return new RepositoryCreation(id, storageNamespace, defaultBranch, bare, refuseWrites);
    }
}
