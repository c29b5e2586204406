package io.lakemirror.store;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A thread-safe in-memory {@link Refstore} for unit tests, following {@code RefstoreContract}. */
public final class InMemoryRefstore implements Refstore {
    private final Map<MirrorId, Map<CommitId, StoredCommit>> commits = new ConcurrentHashMap<>();
    private final Map<StorageNamespace, Map<String, Instant>> present = new ConcurrentHashMap<>();

    @Override
    public synchronized void putCommits(MirrorId mirror, Collection<CommitRecord> records) {
        Map<CommitId, StoredCommit> stored = commits.computeIfAbsent(mirror, k -> new HashMap<>());
        for (CommitRecord c : records) {
            stored.putIfAbsent(c.id(), new StoredCommit(c, false));
        }
    }

    @Override
    public synchronized Map<CommitId, StoredCommit> getCommits(MirrorId mirror, Collection<CommitId> ids) {
        Map<CommitId, StoredCommit> stored = commits.getOrDefault(mirror, Map.of());
        Map<CommitId, StoredCommit> found = new HashMap<>();
        for (CommitId id : ids) {
            StoredCommit c = stored.get(id);
            if (c != null) {
                found.put(id, c);
            }
        }
        return found;
    }

    @Override
    public synchronized void markPromoted(MirrorId mirror, Collection<CommitId> ids) {
        Map<CommitId, StoredCommit> stored = commits.computeIfAbsent(mirror, k -> new HashMap<>());
        for (CommitId id : ids) {
            stored.computeIfPresent(id, (k, c) -> new StoredCommit(c.commit(), true));
        }
    }

    @Override
    public synchronized void evictCommits(MirrorId mirror, Collection<CommitId> ids) {
        Map<CommitId, StoredCommit> stored = commits.get(mirror);
        if (stored != null) {
            ids.forEach(stored::remove);
        }
    }

    @Override
    public synchronized void deleteMirror(MirrorId mirror) {
        commits.remove(mirror);
    }

    @Override
    public Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
        return new HashSet<>(checkedPresent(namespace, fileIds).keySet());
    }

    @Override
    public void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
        Map<String, Instant> known = present.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>());
        fileIds.forEach(id -> known.put(id, checkedAt));
    }

    @Override
    public Map<String, Instant> checkedPresent(StorageNamespace namespace, Collection<String> fileIds) {
        Map<String, Instant> known = present.getOrDefault(namespace, Map.of());
        Map<String, Instant> found = new HashMap<>();
        for (String id : fileIds) {
            Instant at = known.get(id);
            if (at != null) {
                found.put(id, at);
            }
        }
        return found;
    }

    @Override
    public void forgetPresent(StorageNamespace namespace, Collection<String> fileIds) {
        Map<String, Instant> known = present.get(namespace);
        if (known != null) {
            fileIds.forEach(known::remove);
        }
    }
}
