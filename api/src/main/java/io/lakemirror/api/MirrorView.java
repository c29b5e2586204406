package io.lakemirror.api;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
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
 */
public record MirrorView(MirrorId id, RepositoryId name, RepositoryId sourceRepository, Region sourceRegion,
                         Region region, StorageNamespace storageNamespace, String status, String statusMessage,
                         Instant createdAt, String createdBy, Optional<Instant> lastScanAt,
                         Optional<String> sourceError, List<BranchView> branches) {

    /**
     * How far one mirror branch is behind its source, and why.
     *
     * @param sourceHead    the source head the sensor saw last (empty: deleted at the source)
     * @param mirrorHead    where the mirror branch points (empty: not created, or deleted)
     * @param validatedHead the newest head whose files were all found in the mirror's bucket
     * @param commitsBehind commits the sensor sent that the mirror branch does not have yet
     * @param lagSeconds    time since the source head the mirror lacks was first seen; 0 when in sync
     * @param missingFiles  the first files of the waiting head not yet in the mirror's bucket
     * @param lastError     the last validator or promoter error, if it is not resolved
     */
    public record BranchView(BranchId id, Optional<CommitId> sourceHead, Optional<CommitId> mirrorHead,
                             Optional<CommitId> validatedHead, long sensedSequence, long validatedSequence,
                             long promotedSequence, long commitsBehind, long lagSeconds, List<String> missingFiles,
                             Optional<String> lastError) {
        public boolean inSync() {
            return promotedSequence >= sensedSequence;
        }
    }
}
