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
 * known to be present in a namespace. Files are content-addressed and immutable, so a file never
 * changes; it can still be deleted (a lifecycle rule, an operator), so a presence carries the time
 * it was last checked and can be forgotten.
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

    /**
     * The subset of {@code fileIds} known present in {@code namespace}, each with the {@code checkedAt}
     * it was last recorded with; {@link #recordPresent} of a known file replaces its time. Added by
     * issue 19: the validator trusts a presence only for a while (its presence TTL), since a lifecycle
     * rule or an operator can delete a file under it, and checks an older one again.
     *
     * <p>The default, for adapters that do not keep the time yet, reports {@link Instant#MAX}: their
     * presences never expire, as before issue 19. {@code RefstoreContract} expects the real time.
     */
    default Map<String, Instant> checkedPresent(StorageNamespace namespace, Collection<String> fileIds) {
        Map<String, Instant> found = new java.util.HashMap<>();
        knownPresent(namespace, fileIds).forEach(id -> found.put(id, Instant.MAX));
        return found;
    }

    /**
     * Forgets that files are present in {@code namespace}, when a check found one missing after all;
     * absent IDs are ignored. Added by issue 19; the default does nothing, which only an adapter whose
     * presences never expire (the default {@link #checkedPresent}) may rely on, since the validator
     * forgets only expired presences. {@code RefstoreContract} expects them gone.
     */
    default void forgetPresent(StorageNamespace namespace, Collection<String> fileIds) {
    }

    /** A commit record and whether it exists on the mirror repository. */
    record StoredCommit(CommitRecord commit, boolean promoted) {
    }
}
