package io.lakemirror.blockstore;

import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.StorageNamespace;
import java.util.List;
import java.util.Optional;

/**
 * Whether the metadata files of a commit are in a storage namespace: its metarange and every range
 * the metarange lists (invariant I1). The one rule by which a branch head (the validator) and a tag
 * (the mirrors manager) may move to a commit on a mirror; the graveler module implements it
 * ({@code io.lakemirror.graveler.MetaRangeFiles}), because only it can read a metarange.
 *
 * <p>Metarange and range IDs are content addresses, so a file found stays the same file. Bad bytes
 * are a {@link io.lakemirror.domain.CorruptDataException} naming the key, never "missing".
 */
public interface CommitFiles {

    /** Checks the files of a commit whose metarange is {@code metaRange} (empty: an initial commit, nothing to check). */
    Presence check(StorageNamespace namespace, Optional<MetaRangeId> metaRange);

    /**
     * What one check found.
     *
     * @param missingCount files not present (the metarange, or ranges it lists)
     * @param firstMissing the first few of them as bucket keys, in metarange order
     */
    record Presence(long missingCount, List<String> firstMissing) {
        public Presence {
            firstMissing = List.copyOf(firstMissing);
        }

        public boolean complete() {
            return missingCount == 0;
        }
    }
}
