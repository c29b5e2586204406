package io.lakemirror.store;

import java.time.Instant;

/**
 * The operator's repair of one branch state ({@code bin/replication repair}, docs/operations.md):
 * rewrites the validator's and the promoter's attributes together, in the destination region, where
 * both of their writers live. It is the only writer that may lower a sequence, so it is guarded by
 * a condition on the state it was planned from and never runs while a promoter holds the branch.
 */
public interface BranchRepairWriter extends MirrorsReader {

    /**
     * Replaces the validated, waiting, promoted, lease and error attributes of {@code replacement}'s
     * branch with {@code replacement}'s, in one conditional write: only when the stored validated and
     * promoted sequences still equal {@code expected}'s and no lease is held unexpired at {@code now}.
     *
     * @return whether the state was replaced; false when it changed since {@code expected} was read
     */
    boolean resetBranchState(BranchState expected, BranchState replacement, Instant now);
}
