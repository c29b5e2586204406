package io.lakemirror.testserver.model;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A branch: its head commit, whether it is hidden, and its staging area (uncommitted changes by path,
 * shared by every {@code BranchState} of the same branch; moving the head makes a new record).
 */
public record BranchState(BranchId id, CommitId head, boolean hidden, ConcurrentSkipListMap<String, Staged> staging) {

    public static BranchState create(BranchId id, CommitId head, boolean hidden) {
        return new BranchState(id, head, hidden, new ConcurrentSkipListMap<>(Keys.BYTEWISE));
    }

    public BranchState withHead(CommitId commit) {
        return new BranchState(id, commit, hidden, staging);
    }

    public boolean dirty() {
        return !staging.isEmpty();
    }
}
