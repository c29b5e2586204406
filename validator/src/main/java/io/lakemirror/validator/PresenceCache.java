package io.lakemirror.validator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.Refstore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The refstore's cache of files known present, with a bounded copy in this process in front of it.
 * A metarange or range ID names its content, so "present" never becomes false and the local copy
 * can never be stale; it only saves the refstore lookups (100 IDs per DynamoDB batch) that every
 * commit of a large repository would otherwise repeat for its unchanged ranges.
 */
final class PresenceCache {
    private final Refstore refstore;
    private final Cache<Key, Boolean> local;

    private record Key(StorageNamespace namespace, String fileId) {
    }

    PresenceCache(Refstore refstore, long maximumEntries) {
        this.refstore = refstore;
        this.local = Caffeine.newBuilder().maximumSize(maximumEntries).build();
    }

    /** The subset of {@code fileIds} known present in {@code namespace}. */
    Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
        Set<String> known = new HashSet<>();
        List<String> ask = new ArrayList<>();
        for (String id : fileIds) {
            if (local.getIfPresent(new Key(namespace, id)) != null) {
                known.add(id);
            } else {
                ask.add(id);
            }
        }
        if (!ask.isEmpty()) {
            Set<String> stored = refstore.knownPresent(namespace, ask);
            stored.forEach(id -> local.put(new Key(namespace, id), Boolean.TRUE));
            known.addAll(stored);
        }
        return known;
    }

    /** Remembers files as present, in the refstore first, so the local copy never knows more than it. */
    void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
        if (fileIds.isEmpty()) {
            return;
        }
        refstore.recordPresent(namespace, fileIds, checkedAt);
        fileIds.forEach(id -> local.put(new Key(namespace, id), Boolean.TRUE));
    }
}
