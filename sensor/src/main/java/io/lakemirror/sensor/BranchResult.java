package io.lakemirror.sensor;

import io.lakemirror.store.SensorBranchState;
import java.util.Optional;

/**
 * What one branch scan did.
 *
 * @param state        the branch's sensor state afterwards, when this scan wrote it
 * @param messages     messages sent
 * @param commits      commit records sent
 * @param claimChecked commits sent by ID only
 * @param raceLost     another sensor wrote first or holds the lease; nothing more to do here
 * @param error        why the scan failed; the branch is retried next cycle
 */
record BranchResult(Optional<SensorBranchState> state, int messages, int commits, int claimChecked, boolean raceLost,
                    Optional<String> error) {

    static BranchResult sent(SensorBranchState state, int messages, int commits, int claimChecked) {
        return new BranchResult(Optional.of(state), messages, commits, claimChecked, false, Optional.empty());
    }

    static BranchResult lostRace() {
        return new BranchResult(Optional.empty(), 0, 0, 0, true, Optional.empty());
    }

    static BranchResult failed(String error) {
        return new BranchResult(Optional.empty(), 0, 0, 0, false, Optional.of(error));
    }

    static BranchResult skipped() {
        return new BranchResult(Optional.empty(), 0, 0, 0, false, Optional.empty());
    }

    boolean failed() {
        return error.isPresent();
    }
}
