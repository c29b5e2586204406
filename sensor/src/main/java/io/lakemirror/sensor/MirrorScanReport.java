package io.lakemirror.sensor;

import io.lakemirror.domain.MirrorId;
import java.util.Optional;

/**
 * What one mirror's scan did.
 *
 * @param error why the scan (or some of its branches) failed, as recorded in the mirror's source
 *              status; empty after a clean scan
 */
record MirrorScanReport(MirrorId mirror, int branchesListed, int branchesChanged, int sequences, int messagesSent,
                        int commitsSent, int claimChecked, int racesLost, int branchFailures, Optional<String> error) {

    static MirrorScanReport failed(MirrorId mirror, String error) {
        return new MirrorScanReport(mirror, 0, 0, 0, 0, 0, 0, 0, 0, Optional.of(error));
    }

    static MirrorScanReport lostLease(MirrorId mirror) {
        return new MirrorScanReport(mirror, 0, 0, 0, 0, 0, 0, 1, 0, Optional.empty());
    }

    boolean failed() {
        return error.isPresent();
    }
}
