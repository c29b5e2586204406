package io.lakemirror.api;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.MirrorStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A mirror as the API shows it.
 *
 * @param status        CREATING, ACTIVE, DELETING or FAILED
 * @param statusMessage why, when the status needs explaining
 * @param sourceError   the source sensor's last scan error (for example a vanished source repository)
 * @param branches      per-branch progress; empty in listings
 * @param mirrorTags    whether the source's tags are mirrored
 * @param tagsWaiting   source tags waiting for files of their commit in the mirror's bucket (the first
 *                      {@link MirrorStatus#TAGS_REPORTED}, as the destination's mirrors manager last recorded them)
 */
public record MirrorView(MirrorId id, RepositoryId name, RepositoryId sourceRepository, Region sourceRegion,
                         Region region, StorageNamespace storageNamespace, String status, String statusMessage,
                         Instant createdAt, String createdBy, Optional<Instant> lastScanAt,
                         Optional<String> sourceError, List<BranchView> branches, boolean mirrorTags,
                         List<MirrorStatus.TagWaiting> tagsWaiting) {

    public MirrorView {
        branches = List.copyOf(branches);
        tagsWaiting = List.copyOf(tagsWaiting);
    }

    /**
     * How far one mirror branch is behind its source, and why.
     *
     * @param sourceHead    the source head the sensor saw last (empty: deleted at the source)
     * @param mirrorHead    where the mirror branch points (empty: not created, or deleted)
     * @param validatedHead the newest head whose files were all found in the mirror's bucket
     * @param commitsBehind commits the sensor sent that the mirror branch does not have yet
     * @param lagSeconds    age of the oldest source head the mirror branch lacks: time since the sensor saw the
     *                      first sequence after the promoted one (an upper bound when the sensor no longer
     *                      remembers that sequence exactly); 0 when in sync
     * @param missingFiles  the first files of the waiting head not yet in the mirror's bucket
     * @param lastError     the last validator or promoter error, if it is not resolved
     * @param stallReason   why the branch is stalled: its state is ahead of the source sensor's (frozen by a
     *                      message the sensor never sent), or it has been behind for longer than
     *                      {@link MirrorViews#STALL_AFTER}; empty when it is not
     */
    public record BranchView(BranchId id, Optional<CommitId> sourceHead, Optional<CommitId> mirrorHead,
                             Optional<CommitId> validatedHead, long sensedSequence, long validatedSequence,
                             long promotedSequence, long commitsBehind, long lagSeconds, List<String> missingFiles,
                             Optional<String> lastError, Optional<String> stallReason) {

        /** A view without a stall (tests, callers that predate the stall signal). */
        public BranchView(BranchId id, Optional<CommitId> sourceHead, Optional<CommitId> mirrorHead,
                          Optional<CommitId> validatedHead, long sensedSequence, long validatedSequence,
                          long promotedSequence, long commitsBehind, long lagSeconds, List<String> missingFiles,
                          Optional<String> lastError) {
            this(id, sourceHead, mirrorHead, validatedHead, sensedSequence, validatedSequence, promotedSequence,
                    commitsBehind, lagSeconds, missingFiles, lastError, Optional.empty());
        }

        /** Whether the branch needs an operator: see {@code stallReason}. */
        public boolean stalled() {
            return stallReason.isPresent();
        }

        /** At the source's head and not stalled. */
        public boolean inSync() {
            return promotedSequence >= sensedSequence && !stalled();
        }
    }
}
