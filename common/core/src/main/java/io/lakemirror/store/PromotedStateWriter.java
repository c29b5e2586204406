package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import java.util.Optional;

/**
 * The destination's promoters' writes to a branch state: the promotion lease and the promoted
 * sequence. Two promoters never move one branch at once, and a promoted sequence never goes back.
 */
public interface PromotedStateWriter extends MirrorsReader {

    /**
     * Claims the right to apply {@code lease.sequence()}: succeeds when that sequence is validated,
     * newer than the promoted one, and the branch's lease is free, held by {@code lease.owner()}
     * (a renewal), or exactly {@code lapsed}: another's lease (same owner, end and version) that the
     * caller has seen unchanged for a whole lease duration on its own monotonic clock. No clock is
     * compared here, so hosts whose clocks differ cannot both hold the branch
     * (docs/design/pipeline.md, "Fenced promotions").
     *
     * @param lapsed the other holder's lease the caller may take over, as it read it; empty when
     *               it saw none or has not watched one for a whole lease yet
     * @return whether the caller now holds the lease
     */
    boolean claimPromotion(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                           Optional<BranchState.PromotionLease> lapsed);

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
     * is the promoted sequence and the lease is free, the caller's, or exactly {@code lapsed} (as for
     * {@link #claimPromotion}). The holder excludes promoters exactly as a promotion lease does, and
     * lets go with {@link #releasePromotion}.
     *
     * @return whether the caller now holds the lease
     */
    boolean claimRepair(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                        Optional<BranchState.PromotionLease> lapsed);

    /** Releases the lease held by {@code owner} without recording anything; nothing happens when another holds it. */
    void releasePromotion(MirrorId id, BranchId branch, String owner);
}
