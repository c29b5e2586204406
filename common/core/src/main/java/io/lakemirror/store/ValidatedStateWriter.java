package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;

/**
 * The destination's validators' writes to a branch state: validated and waiting sequences and their
 * errors. Every write is conditional on the sequence, never on a clock.
 */
public interface ValidatedStateWriter extends MirrorsReader {

    /**
     * Records a validated sequence when it is newer than the stored one; clears the waiting
     * entry and validator error of that or an older sequence.
     *
     * @throws io.lakemirror.domain.StaleWriteException when an equal or newer sequence is already validated
     */
    void recordValidated(MirrorId id, BranchId branch, BranchState.Validated validated);

    /**
     * Records that a sequence is waiting for files, unless an equal or newer sequence is validated or
     * a newer sequence is waiting already (conditional on the waiting entry's sequence since issue 19,
     * so an older sequence's late check never hides a newer waiting one from the re-check pass).
     * The same sequence may be recorded again (its missing keys and check count change).
     *
     * @throws io.lakemirror.domain.StaleWriteException when the sequence is validated already, or a newer
     *                                                  one is waiting (adapters: one conditional write on both;
     *                                                  {@code MirrorsDatabaseContract} checks it)
     */
    void recordWaiting(MirrorId id, BranchId branch, BranchState.Waiting waiting);

    void recordValidatorError(MirrorId id, BranchId branch, BranchState.ErrorInfo error);
}
