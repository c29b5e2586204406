package io.lakemirror.store;

import io.lakemirror.domain.MirrorId;
import java.util.Set;

/** The destination's mirrors manager's writes: a mirror's status, and the removal of a deleted mirror. */
public interface MirrorStatusWriter extends MirrorsReader {

    /**
     * Sets a mirror's status when its current state is one of {@code expectedCurrent} (or absent,
     * when {@code allowAbsent}); otherwise throws {@link io.lakemirror.domain.StaleWriteException}.
     */
    void putStatus(MirrorStatus status, Set<MirrorState> expectedCurrent, boolean allowAbsent);

    /** Removes every item of a mirror: spec, statuses, name claim, sensor and branch state. Idempotent. */
    void deleteMirror(MirrorId id);
}
