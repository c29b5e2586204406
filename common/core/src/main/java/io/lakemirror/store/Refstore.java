package io.lakemirror.store;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The destination region's own replication metadata (docs/architecture.md §4): the commit records of each
 * mirror, with whether each is already on the mirror repository, and a cache of metadata files
 * known to be present in a namespace. Files are content-addressed and immutable, so once present
 * they stay present.
 */
public interface Refstore {

    /** Stores commit records; idempotent, and never clears a promoted flag. */
    void putCommits(MirrorId mirror, Collection<CommitRecord> commits);

    /** The stored commits among {@code ids}; absent IDs are not in the map. */
    Map<CommitId, StoredCommit> getCommits(MirrorId mirror, Collection<CommitId> ids);

    /** Marks commits as created on the mirror repository. */
    void markPromoted(MirrorId mirror, Collection<CommitId> ids);

    /**
     * Removes the records of {@code ids} (promoted or not), for a record found not to hash to its ID
     * or refused by lakeFS: the next {@link #putCommits} of a verified copy then stores that copy.
     * Absent IDs are ignored.
     */
    void evictCommits(MirrorId mirror, Collection<CommitId> ids);

    /** Removes every commit record of a mirror. */
    void deleteMirror(MirrorId mirror);

    /** The subset of {@code fileIds} (metarange or range IDs) known to be present in {@code namespace}. */
    Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds);

    /** Remembers that files are present in {@code namespace}. */
    void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt);

    /** A commit record and whether it exists on the mirror repository. */
    record StoredCommit(CommitRecord commit, boolean promoted) {
    }
}
