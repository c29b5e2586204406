package io.lakemirror.store;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.TagId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The destination's view of a mirror. Written only by the mirrors manager of the destination region.
 *
 * @param message     why the mirror is in this state (empty when ACTIVE and healthy)
 * @param tagsWaiting source tags not yet on the mirror because files of their commit are not in the mirror's
 *                    bucket yet (added by issue 23; a status stored without it reads as none), at most
 *                    {@link #TAGS_REPORTED} of them
 */
public record MirrorStatus(MirrorId mirrorId, MirrorState state, String message, Instant updatedAt,
                           List<TagWaiting> tagsWaiting) {
    /** The most waiting tags a status names; the rest are counted in the message only. */
    public static final int TAGS_REPORTED = 20;

    public MirrorStatus {
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(updatedAt, "updatedAt");
        tagsWaiting = List.copyOf(tagsWaiting);
    }

    /** A status without waiting tags. */
    public MirrorStatus(MirrorId mirrorId, MirrorState state, String message, Instant updatedAt) {
        this(mirrorId, state, message, updatedAt, List.of());
    }

    /** This status naming {@code waiting} as the tags that wait for files. */
    public MirrorStatus withTagsWaiting(List<TagWaiting> waiting) {
        return new MirrorStatus(mirrorId, state, message, updatedAt, waiting);
    }

    /**
     * A source tag the mirror does not have yet (or has at an older commit) because its commit is not
     * complete in the mirror's bucket (invariant I1).
     *
     * @param missingCount files of the commit not found (the metarange, or ranges it lists)
     * @param missingFiles the first few of them as bucket keys
     */
    public record TagWaiting(TagId tag, CommitId commit, long missingCount, List<String> missingFiles) {
        public TagWaiting {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(commit, "commit");
            missingFiles = List.copyOf(missingFiles);
        }
    }
}
