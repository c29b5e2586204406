package io.lakemirror.store;

import java.util.Objects;
import java.util.Optional;

/** A mirror spec with the latest status of each side, as listings return them. */
public record MirrorRecord(MirrorSpec spec, Optional<MirrorStatus> status, Optional<SourceStatus> source) {

    public MirrorRecord {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
    }

    /** The state the mirrors manager recorded, or CREATING before it acted. */
    public MirrorState state() {
        return status.map(MirrorStatus::state).orElse(MirrorState.CREATING);
    }
}
