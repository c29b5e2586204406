package io.lakemirror.promoter;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.FenceRefs;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a mirror branch so that no earlier holder's late request can move it back ({@link FenceRefs};
 * docs/design/pipeline.md, "Fenced promotions"): deletes every fence ref of the branch, creates a
 * new one at the head, points the branch at that fence ref (create or hard reset), and deletes it.
 * An earlier holder's create or hard reset names a fence ref deleted here, so lakeFS refuses it with
 * 404 whenever it executes after this move began.
 */
final class FencedMove {
    private static final Logger LOG = LoggerFactory.getLogger(FencedMove.class);

    private FencedMove() {
    }

    /**
     * @param lakeFs  the mirror's lakeFS, asked afresh before each call (each gets the lease's deadline)
     * @param missing whether the branch was found missing (created, not reset)
     */
    static void move(Supplier<LakeFs> lakeFs, RepositoryId repository, BranchId branch, CommitId head, boolean missing) {
        clearFences(lakeFs, repository, branch);
        BranchId fence = FenceRefs.next(branch);
        // Hidden: users listing the mirror's branches never see the service's own short-lived ref.
        lakeFs.get().createHiddenBranch(repository, fence, head.asRef(), true);
        try {
            if (missing) {
                try {
                    lakeFs.get().createBranch(repository, branch, fence.asRef(), true);
                    return;
                } catch (AlreadyExistsException e) {
                    LOG.trace("{}/{} appeared meanwhile; resetting it instead", repository, branch);
                }
            }
            lakeFs.get().hardResetBranch(repository, branch, fence.asRef(), true);
        } finally {
            try {
                lakeFs.get().deleteBranch(repository, fence, true);
            } catch (NotFoundException e) {
                LOG.trace("fence ref {} of {}/{} is gone already", fence, repository, branch);
            } catch (ReplicationException e) {
                // Harmless: the next move of the branch deletes it first.
                LOG.debug("fence ref {} of {}/{} left for the next move: {}", fence, repository, branch, e.toString());
            }
        }
    }

    /** Deletes every fence ref of {@code branch}: whatever an earlier holder still has in flight then fails. */
    static void clearFences(Supplier<LakeFs> lakeFs, RepositoryId repository, BranchId branch) {
        PageRequest request = PageRequest.largest().withPrefix(FenceRefs.prefixOf(branch));
        Page<Branch> page;
        do {
            page = lakeFs.get().listBranches(repository, request, true);
            for (Branch fence : page.results()) {
                try {
                    lakeFs.get().deleteBranch(repository, fence.id(), true);
                    LOG.debug("deleted fence ref {} of {}/{} left by an earlier move", fence.id(), repository, branch);
                } catch (NotFoundException e) {
                    LOG.trace("fence ref {} of {}/{} is gone already", fence.id(), repository, branch);
                }
            }
            request = request.after(page.nextOffset());
        } while (page.hasMore());
    }
}
