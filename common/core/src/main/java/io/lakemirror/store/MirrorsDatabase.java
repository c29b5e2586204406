package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The global mirrors database (DESIGN.md §4): mirror specs and statuses, sensor state and branch
 * state. Every item has exactly one writing region, and every state change that ordering matters
 * for is conditional; a lost condition raises {@link io.lakemirror.domain.StaleWriteException}.
 * Errors of the backing store surface as {@link io.lakemirror.domain.RetryableException} or
 * {@link io.lakemirror.domain.NonRetryableException}.
 *
 * <p>All methods act within the organization the instance was created for.
 */
public interface MirrorsDatabase {

    // --- mirror specs (written by the API)

    /**
     * Stores a new mirror spec and claims its name in its destination region.
     *
     * @throws io.lakemirror.domain.AlreadyExistsException when another mirror holds that name in that region
     */
    void createMirror(MirrorSpec spec);

    Optional<MirrorRecord> getMirror(MirrorId id);

    /** Mirrors in ID order, {@code limit} at most, starting after the cursor {@code after} (empty: from the start). */
    StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit);

    /** Marks a mirror for deletion; the destination's mirrors manager then removes it. Idempotent. */
    void requestDeletion(MirrorId id, Instant at);

    /** The mirror holding a name in a region, if any. */
    Optional<MirrorId> findByName(Region destination, RepositoryId name);

    // --- mirror status (written by the destination's mirrors manager)

    /**
     * Sets a mirror's status when its current state is one of {@code expectedCurrent} (or absent,
     * when {@code allowAbsent}); otherwise throws {@link io.lakemirror.domain.StaleWriteException}.
     */
    void putStatus(MirrorStatus status, Set<MirrorState> expectedCurrent, boolean allowAbsent);

    /** Removes every item of a mirror: spec, statuses, name claim, sensor and branch state. Idempotent. */
    void deleteMirror(MirrorId id);

    // --- source side (written by the source region's sensors)

    /**
     * Takes or renews the scan lease of a mirror: succeeds when the lease is free, lapsed at {@code now},
     * or already held by {@code owner}.
     *
     * @return whether {@code owner} holds the lease until {@code until}
     */
    boolean acquireSourceLease(MirrorId id, String owner, Instant until, Instant now);

    /** Records the outcome of a scan by the lease holder: when it finished and its error, if any. */
    void recordScan(MirrorId id, String owner, Instant at, Optional<String> error);

    Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch);

    List<SensorBranchState> listSensorBranchStates(MirrorId id);

    /**
     * Writes a sensor branch state when the stored sequence equals {@code expectedSequence} (0: no
     * state yet), or when the stored state is identical (an idempotent retry).
     *
     * @throws io.lakemirror.domain.StaleWriteException when another sensor wrote a different state first
     */
    void putSensorBranchState(SensorBranchState state, long expectedSequence);

    /** The subset of {@code commits} already sent for this mirror. */
    Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits);

    /** Remembers that these commits were sent for this mirror, so they are never sent again. */
    void recordSentCommits(MirrorId id, Collection<CommitId> commits);

    // --- branch state (written by the destination's validator and promoter)

    Optional<BranchState> getBranchState(MirrorId id, BranchId branch);

    List<BranchState> listBranchStates(MirrorId id);

    /**
     * Records a validated sequence when it is newer than the stored one; clears the waiting
     * entry and validator error of that or an older sequence.
     *
     * @throws io.lakemirror.domain.StaleWriteException when an equal or newer sequence is already validated
     */
    void recordValidated(MirrorId id, BranchId branch, BranchState.Validated validated);

    /**
     * Records that a sequence is waiting for files, unless an equal or newer sequence is validated.
     *
     * @throws io.lakemirror.domain.StaleWriteException when the sequence is validated already
     */
    void recordWaiting(MirrorId id, BranchId branch, BranchState.Waiting waiting);

    void recordValidatorError(MirrorId id, BranchId branch, BranchState.ErrorInfo error);

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
}
