package io.lakemirror.store;

/** Lifecycle of a mirror repository, as the destination's mirrors manager drives it. */
public enum MirrorState {
    /** The spec exists; the mirror repository is being created. */
    CREATING,
    /** The mirror repository exists and follows its source. */
    ACTIVE,
    /** Deletion was requested; the mirror repository and its state are being removed. */
    DELETING,
    /** The mirror repository could not be created; the status message says why. */
    FAILED,
    /** Everything is removed; only this status remains as a tombstone. */
    DELETED
}
