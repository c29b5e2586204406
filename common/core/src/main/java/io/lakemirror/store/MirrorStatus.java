package io.lakemirror.store;

import io.lakemirror.domain.MirrorId;
import java.time.Instant;
import java.util.Objects;

/**
 * The destination's view of a mirror. Written only by the mirrors manager of the destination region.
 *
 * @param message why the mirror is in this state (empty when ACTIVE and healthy)
 */
public record MirrorStatus(MirrorId mirrorId, MirrorState state, String message, Instant updatedAt) {

    public MirrorStatus {
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
