package io.lakemirror.store;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/** The source region's sensors' writes: scan leases, scan outcomes, sensed sequences and sent commits. */
public interface SensorStateWriter extends MirrorsReader {

    /**
     * Takes or renews the scan lease of a mirror: succeeds when the lease is free, lapsed at {@code now},
     * or already held by {@code owner}.
     *
     * @return whether {@code owner} holds the lease until {@code until}
     */
    boolean acquireSourceLease(MirrorId id, String owner, Instant until, Instant now);

    /** Records the outcome of a scan by the lease holder: when it finished and its error, if any. */
    void recordScan(MirrorId id, String owner, Instant at, Optional<String> error);

    /**
     * Writes a sensor branch state when the stored sequence equals {@code expectedSequence} (0: no
     * state yet), or when the stored state is identical (an idempotent retry).
     *
     * @throws io.lakemirror.domain.StaleWriteException when another sensor wrote a different state first
     */
    void putSensorBranchState(SensorBranchState state, long expectedSequence);

    /** Remembers that these commits were sent for this mirror, so they are never sent again. */
    void recordSentCommits(MirrorId id, Collection<CommitId> commits);
}
