package io.lakemirror.lakefs;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import java.util.Objects;

/** A branch and the commit it points to (lakeFS {@code Ref}). */
public record Branch(BranchId id, CommitId commitId) {
    public Branch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(commitId, "commitId");
    }
}
