package io.lakemirror.store;

import io.lakemirror.domain.MirrorId;
import java.time.Instant;

/** The API's writes: mirror specs, in whichever region serves the request. */
public interface MirrorSpecWriter extends MirrorsReader {

    /**
     * Stores a new mirror spec and claims its name in its destination region.
     *
     * @throws io.lakemirror.domain.AlreadyExistsException when another mirror holds that name in that region
     */
    void createMirror(MirrorSpec spec);

    /** Marks a mirror for deletion; the destination's mirrors manager then removes it. Idempotent. */
    void requestDeletion(MirrorId id, Instant at);

    /**
     * Switches the mirroring of tags of a mirror on or off (the spec's {@code mirrorTags}); the
     * destination's mirrors manager follows it on its next pass. Idempotent.
     *
     * @return the spec as stored afterwards
     * @throws io.lakemirror.domain.NotFoundException when there is no such mirror
     */
    MirrorSpec setMirrorTags(MirrorId id, boolean mirrorTags);
}
