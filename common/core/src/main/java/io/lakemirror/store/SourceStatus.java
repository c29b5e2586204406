package io.lakemirror.store;

import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The source side's view of a mirror. Written only by the sensors of the source region: which sensor
 * holds the scan lease, when the source was last scanned, and the last scan error (for example a
 * source repository that disappeared).
 *
 * @param leaseOwner  the sensor process scanning this mirror
 * @param leaseUntil  when the lease lapses unless renewed; another sensor may then take over
 * @param lastScanAt  end of the last complete scan
 * @param lastError   the last scan failure, cleared by a successful scan
 */
public record SourceStatus(MirrorId mirrorId, String leaseOwner, Instant leaseUntil, Optional<Instant> lastScanAt,
                           Optional<String> lastError) {

    public SourceStatus {
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(leaseOwner, "leaseOwner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(lastScanAt, "lastScanAt");
        Objects.requireNonNull(lastError, "lastError");
    }
}
