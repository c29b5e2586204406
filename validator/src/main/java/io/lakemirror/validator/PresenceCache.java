package io.lakemirror.validator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.Refstore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The refstore's cache of files known present, with a bounded copy in this process in front of it.
 * A metarange or range ID names its content, so a present file never changes; but it can be
 * deleted under the cache (a lifecycle rule, an operator). So a presence is trusted only for
 * {@code ttl} after it was last checked: an older one is {@linkplain Lookup#expired() expired}, its
 * file is checked again by the caller and either recorded afresh or {@linkplain #forget forgotten}.
 * A range deleted under a cached presence is therefore noticed by the first check of a head that
 * needs it once its presence is older than the TTL, at the price of one HEAD per range and TTL.
 * The local copy saves the refstore lookups (100 IDs per DynamoDB batch) that every commit of a
 * large repository would otherwise repeat for its unchanged ranges.
 */
final class PresenceCache {
    private final Refstore refstore;
    private final Cache<Key, Instant> local;
    private final Duration ttl;
    private final Clock clock;

    private record Key(StorageNamespace namespace, String fileId) {
    }

    /**
     * What the cache knows of some files.
     *
     * @param fresh   known present and checked within the TTL: not checked again
     * @param expired known present, but checked longer ago than the TTL: to be checked again
     */
    record Lookup(Set<String> fresh, Set<String> expired) {
    }

    PresenceCache(Refstore refstore, long maximumEntries, Duration ttl, Clock clock) {
        this.refstore = refstore;
        this.local = Caffeine.newBuilder().maximumSize(maximumEntries).build();
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The subset of {@code fileIds} known present in {@code namespace}, fresh or expired. */
    Lookup lookup(StorageNamespace namespace, Collection<String> fileIds) {
        Instant freshSince = clock.instant().minus(ttl);
        Set<String> fresh = new HashSet<>();
        Set<String> expired = new HashSet<>();
        List<String> ask = new ArrayList<>();
        for (String id : fileIds) {
            Instant checked = local.getIfPresent(new Key(namespace, id));
            if (checked != null && !checked.isBefore(freshSince)) {
                fresh.add(id);
            } else {
                // Unknown here, or old here but perhaps refreshed by another validator since.
                ask.add(id);
            }
        }
        if (!ask.isEmpty()) {
            for (Map.Entry<String, Instant> e : refstore.checkedPresent(namespace, ask).entrySet()) {
                local.put(new Key(namespace, e.getKey()), e.getValue());
                (e.getValue().isBefore(freshSince) ? expired : fresh).add(e.getKey());
            }
        }
        return new Lookup(fresh, expired);
    }

    /** The IDs among {@code fileIds} known present and fresh (for callers that skip expired ones anyway). */
    Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
        return lookup(namespace, fileIds).fresh();
    }

    /** Remembers files as present, in the refstore first, so the local copy never knows more than it. */
    void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
        if (fileIds.isEmpty()) {
            return;
        }
        refstore.recordPresent(namespace, fileIds, checkedAt);
        fileIds.forEach(id -> local.put(new Key(namespace, id), checkedAt));
    }

    /** Forgets files found missing after all, here and in the refstore. */
    void forget(StorageNamespace namespace, Collection<String> fileIds) {
        if (fileIds.isEmpty()) {
            return;
        }
        fileIds.forEach(id -> local.invalidate(new Key(namespace, id)));
        refstore.forgetPresent(namespace, fileIds);
    }
}
