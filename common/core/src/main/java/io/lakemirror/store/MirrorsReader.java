package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What every component may read of the mirrors database (docs/architecture.md §4). Writes are split by writer
 * into role interfaces ({@link MirrorSpecWriter}, {@link MirrorStatusWriter}, {@link SensorStateWriter},
 * {@link ValidatedStateWriter}, {@link PromotedStateWriter}) so that the rule of one writer per item
 * is a type: a component holds only the writer of the items it owns.
 *
 * <p>All methods act within the organization the instance was created for. Errors of the backing
 * store surface as {@link io.lakemirror.domain.RetryableException} or
 * {@link io.lakemirror.domain.NonRetryableException}.
 */
public interface MirrorsReader {

    Optional<MirrorRecord> getMirror(MirrorId id);

    /** Mirrors in ID order, {@code limit} at most, starting after the cursor {@code after} (empty: from the start). */
    StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit);

    /** The mirror holding a name in a region, if any. */
    Optional<MirrorId> findByName(Region destination, RepositoryId name);

    Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch);

    List<SensorBranchState> listSensorBranchStates(MirrorId id);

    Optional<BranchState> getBranchState(MirrorId id, BranchId branch);

    List<BranchState> listBranchStates(MirrorId id);

    /**
     * The subset of {@code commits} the source sensor sent for this mirror. Written by the sensor
     * ({@link SensorStateWriter#recordSentCommits}); readable by everyone since issue 19, for the
     * validator's provenance check of a head (the sensor only records commits it read from the source).
     */
    Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits);
}
