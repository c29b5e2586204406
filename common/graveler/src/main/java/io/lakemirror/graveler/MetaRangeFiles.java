package io.lakemirror.graveler;

import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.blockstore.CommitFiles;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RangeId;
import io.lakemirror.domain.StorageNamespace;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The metarange-and-ranges presence check of a commit (invariant I1), shared by the validator (for
 * branch heads, with its presence cache, concurrent lookups and strict mode around
 * {@link #ranges}) and the mirrors manager (for tags, through {@link #check}).
 */
public final class MetaRangeFiles implements CommitFiles {

    /** HEAD requests for many keys of one bucket: each key's size, or empty when it is absent. */
    @FunctionalInterface
    public interface Heads {
        Map<String, Optional<Long>> head(String bucket, List<String> keys);
    }

    /** Told of each bucket request: the file ({@code metarange}, {@code range}) and the operation ({@code head}, {@code get}). */
    @FunctionalInterface
    public interface Requests {
        Requests NONE = (file, operation) -> { };

        void made(String file, String operation);
    }

    private final BlockStore store;
    private final Heads heads;
    private final int keysReported;

    /** A check that HEADs ranges one after another on the calling thread. */
    public MetaRangeFiles(BlockStore store, int keysReported) {
        this(store, (bucket, keys) -> {
            Map<String, Optional<Long>> sizes = new LinkedHashMap<>();
            keys.forEach(key -> sizes.put(key, store.head(bucket, key)));
            return sizes;
        }, keysReported);
    }

    public MetaRangeFiles(BlockStore store, Heads heads, int keysReported) {
        if (keysReported < 0) {
            throw new IllegalArgumentException("keys reported must not be negative, got " + keysReported);
        }
        this.store = store;
        this.heads = heads;
        this.keysReported = keysReported;
    }

    @Override
    public Presence check(StorageNamespace namespace, Optional<MetaRangeId> metaRange) {
        if (metaRange.isEmpty()) {
            return new Presence(0, List.of());
        }
        Optional<List<RangeId>> ranges = ranges(store, namespace, metaRange.get(), Requests.NONE);
        if (ranges.isEmpty()) {
            return new Presence(1, keysReported > 0 ? List.of(namespace.metadataKey(metaRange.get())) : List.of());
        }
        List<String> keys = ranges.get().stream().map(namespace::metadataKey).toList();
        Map<String, Optional<Long>> sizes = keys.isEmpty() ? Map.of() : heads.head(namespace.bucket(), keys);
        long missing = 0;
        List<String> first = new ArrayList<>();
        for (String key : keys) {
            if (sizes.getOrDefault(key, Optional.empty()).isEmpty()) {
                missing++;
                if (first.size() < keysReported) {
                    first.add(key);
                }
            }
        }
        return new Presence(missing, first);
    }

    /**
     * The distinct ranges of metarange {@code id} in {@code namespace}, in key order; empty when the
     * metarange is not in the bucket (absent on HEAD, or gone while it was read). The metarange is
     * HEADed for its size and read with the graveler codec.
     *
     * @throws CorruptDataException when the metarange's bytes do not decode, naming its key
     */
    public static Optional<List<RangeId>> ranges(BlockStore store, StorageNamespace namespace, MetaRangeId id,
                                                 Requests requests) {
        String bucket = namespace.bucket();
        String key = namespace.metadataKey(id);
        requests.made("metarange", "head");
        Optional<Long> size = store.head(bucket, key);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        requests.made("metarange", "get");
        Set<RangeId> ranges = new LinkedHashSet<>();
        try {
            Iterator<RangeInfo> it = GravelerReader.readMetaRange(store.open(bucket, key, size.get()));
            while (it.hasNext()) {
                ranges.add(it.next().id());
            }
        } catch (NotFoundException e) {
            // Deleted between the HEAD and the read: as missing as one never written.
            return Optional.empty();
        } catch (CorruptDataException e) {
            throw new CorruptDataException("metarange " + id + " at s3://" + bucket + "/" + key + " is corrupt ("
                    + e.getMessage() + "); it is checked again later in case it is still being replicated", e);
        }
        return Optional.of(List.copyOf(ranges));
    }
}
