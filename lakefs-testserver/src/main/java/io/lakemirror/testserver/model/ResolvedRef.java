package io.lakemirror.testserver.model;

import io.lakemirror.domain.CommitId;
import java.util.Optional;

/**
 * What a ref names: a commit, and the branch when the ref is a branch name read with its
 * uncommitted changes (lakeFS reads a plain branch name "with staging").
 */
public record ResolvedRef(CommitId commit, Optional<BranchState> branch) {
}
