package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import java.time.Instant;

/**
 * The destination's promoters' writes to a branch state: the promotion lease and the promoted
 * sequence. Two promoters never move one branch at once, and a promoted sequence never goes back.
 */
public interface PromotedStateWriter extends MirrorsReader {

    /**
     * Claims the right to apply {@code lease.sequence()}: succeeds when that sequence is validated,
     * newer than the promoted one, and no other owner holds an unexpired lease at {@code now}.
     *
     * @return whether the caller now holds the lease
     */
    boolean claimPromotion(MirrorId id, BranchId branch, BranchState.PromotionLease lease, Instant now);

    /**
     * Records a promoted sequence and releases the lease held by {@code owner}.
     *
     * @throws io.lakemirror.domain.StaleWriteException when {@code owner} no longer holds the lease
     */
    void recordPromoted(MirrorId id, BranchId branch, BranchState.Promoted promoted, String owner);

    /** Records a promotion failure and releases the lease held by {@code owner}, if it still holds it. */
    void recordPromoterError(MirrorId id, BranchId branch, BranchState.ErrorInfo error, String owner);

    /**
     * Claims the branch to check or repair the mirror branch against its promoted state, without
     * applying a new sequence (the promoter's anti-entropy pass): succeeds when {@code lease.sequence()}
     * is the promoted sequence and no other owner holds an unexpired lease at {@code now}. The holder
     * excludes promoters exactly as a promotion lease does, and lets go with {@link #releasePromotion}.
     *
     * @return whether the caller now holds the lease
     */
    boolean claimRepair(MirrorId id, BranchId branch, BranchState.PromotionLease lease, Instant now);

    /** Releases the lease held by {@code owner} without recording anything; nothing happens when another holds it. */
    void releasePromotion(MirrorId id, BranchId branch, String owner);
}
