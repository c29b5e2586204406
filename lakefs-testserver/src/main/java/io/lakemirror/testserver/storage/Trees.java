package io.lakemirror.testserver.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RangeId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.GravelerWriter;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.testserver.model.Keys;
import io.lakemirror.testserver.model.LakeFsError;
import java.util.Collections;
import java.util.Iterator;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Committed trees (path → entry) kept where lakeFS keeps them: as graveler range and metarange
 * files under {@code <namespace>/_lakefs/}. Written with the project's graveler codec, read back
 * through it (so commits made elsewhere and copied in by CreateCommitRecord are readable), and
 * cached by namespace and metarange ID. Blocking: call from worker threads.
 */
public final class Trees {
    private static final NavigableMap<String, Entry> EMPTY = Collections.unmodifiableNavigableMap(new TreeMap<>(Keys.BYTEWISE));
    private static final long MAX_CACHED_ENTRIES = 2_000_000;

    private final BlockStore blocks;
    private final Cache<String, NavigableMap<String, Entry>> cache = Caffeine.newBuilder()
            .maximumWeight(MAX_CACHED_ENTRIES)
            .weigher((String key, NavigableMap<String, Entry> tree) -> tree.size() + 1)
            .build();

    public Trees(BlockStore blocks) {
        this.blocks = blocks;
    }

    /** The tree of a commit's metarange; empty for a commit without one (a repository's first). */
    public NavigableMap<String, Entry> read(StorageNamespace ns, Optional<MetaRangeId> metaRange) {
        if (metaRange.isEmpty()) {
            return EMPTY;
        }
        MetaRangeId id = metaRange.get();
        return cache.get(cacheKey(ns, id), k -> load(ns, id));
    }

    private NavigableMap<String, Entry> load(StorageNamespace ns, MetaRangeId id) {
        byte[] metaRange = blocks.get(ns, id.relativeKey())
                .orElseThrow(() -> LakeFsError.notFound("metarange " + id + " not found in " + ns));
        TreeMap<String, Entry> tree = new TreeMap<>(Keys.BYTEWISE);
        Iterator<RangeInfo> ranges = GravelerReader.readMetaRange(ByteSource.of(ns.metadataKey(id), metaRange));
        while (ranges.hasNext()) {
            RangeId rangeId = ranges.next().id();
            byte[] range = blocks.get(ns, rangeId.relativeKey())
                    .orElseThrow(() -> LakeFsError.notFound("range " + rangeId + " not found in " + ns));
            Iterator<EntryRecord> records = GravelerReader.readRange(ByteSource.of(ns.metadataKey(rangeId), range));
            while (records.hasNext()) {
                EntryRecord r = records.next();
                tree.put(r.key(), r.entry());
            }
        }
        return Collections.unmodifiableNavigableMap(tree);
    }

    /**
     * Writes {@code tree} as ranges and a metarange (an empty tree is a metarange with no ranges, as
     * in lakeFS), uploads every file, and returns the metarange ID.
     */
    public MetaRangeId write(StorageNamespace ns, NavigableMap<String, Entry> tree) {
        Iterator<EntryRecord> records = tree.entrySet().stream()
                .map(e -> new EntryRecord(e.getKey(), e.getValue(), null))
                .iterator();
        GravelerWriter.WrittenMetaRange written = GravelerWriter.writeMetaRange(records);
        for (GravelerWriter.WrittenRange range : written.ranges()) {
            blocks.put(ns, range.id().relativeKey(), range.bytes(), "application/octet-stream");
        }
        blocks.put(ns, written.id().relativeKey(), written.bytes(), "application/octet-stream");
        cache.put(cacheKey(ns, written.id()), Collections.unmodifiableNavigableMap(copy(tree)));
        return written.id();
    }

    private static NavigableMap<String, Entry> copy(NavigableMap<String, Entry> tree) {
        TreeMap<String, Entry> copy = new TreeMap<>(Keys.BYTEWISE);
        copy.putAll(tree);
        return copy;
    }

    private static String cacheKey(StorageNamespace ns, MetaRangeId id) {
        return ns.value() + "\n" + id.value();
    }
}
