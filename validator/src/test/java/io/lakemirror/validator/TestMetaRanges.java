package io.lakemirror.validator;

import io.lakemirror.domain.RangeId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerWriter;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.graveler.GravelerWriter.WrittenRange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Real metaranges with a chosen number of ranges, written by the project's graveler writer. lakeFS
 * ends a range after a key whose FNV-1a hash is a multiple of 50,000, so each range here holds one
 * such key, found by search; changing one range's entry changes that range's ID and no other.
 */
final class TestMetaRanges {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long RAGGEDNESS = 50_000;
    private static final Map<Integer, String> BREAKING_KEYS = new ConcurrentHashMap<>();

    private TestMetaRanges() {
    }

    /** A metarange of {@code ranges} ranges; range j's single object is {@code data/<j>/<version(j)>}. */
    static WrittenMetaRange write(int ranges, IntFunction<String> version) {
        List<EntryRecord> entries = new ArrayList<>(ranges);
        for (int j = 0; j < ranges; j++) {
            entries.add(new EntryRecord(breakingKey(j), entry("data/" + j + "/" + version.apply(j),
                    Entry.AddressType.RELATIVE), null));
        }
        WrittenMetaRange written = GravelerWriter.writeMetaRange(entries.iterator());
        if (written.ranges().size() != ranges) {
            throw new IllegalStateException("expected " + ranges + " ranges, got " + written.ranges().size());
        }
        return written;
    }

    /** A metarange whose ranges hold the given entries (one range each). */
    static WrittenMetaRange writeWithEntries(List<Entry> rangeEntries) {
        List<EntryRecord> entries = new ArrayList<>();
        for (int j = 0; j < rangeEntries.size(); j++) {
            entries.add(new EntryRecord(breakingKey(j), rangeEntries.get(j), null));
        }
        return GravelerWriter.writeMetaRange(entries.iterator());
    }

    static Entry entry(String address, Entry.AddressType type) {
        return new Entry(address, type, Instant.parse("2026-11-25T10:00:00Z"), 42, "etag-" + address.hashCode(),
                Map.of(), "");
    }

    /** Puts the metarange and its ranges into the namespace, except files whose ID {@code holdBack} accepts. */
    static void upload(io.lakemirror.blockstore.InMemoryBlockStore store, StorageNamespace ns, WrittenMetaRange mr,
                       Predicate<String> holdBack) {
        if (!holdBack.test(mr.id().value())) {
            store.put(ns.bucket(), ns.metadataKey(mr.id()), mr.bytes());
        }
        for (WrittenRange r : mr.ranges()) {
            if (!holdBack.test(r.id().value())) {
                store.put(ns.bucket(), ns.metadataKey(r.id()), r.bytes());
            }
        }
    }

    static void uploadRange(io.lakemirror.blockstore.InMemoryBlockStore store, StorageNamespace ns, WrittenRange r) {
        store.put(ns.bucket(), ns.metadataKey(r.id()), r.bytes());
    }

    static List<RangeId> rangeIds(WrittenMetaRange mr) {
        return mr.ranges().stream().map(WrittenRange::id).toList();
    }

    /** The j-th key (sorted by j) after which lakeFS ends a range. */
    static String breakingKey(int j) {
        return BREAKING_KEYS.computeIfAbsent(j, TestMetaRanges::searchBreakingKey);
    }

    /** Finds the breaking keys of ranges 0..n−1 on all cores (a 10,000-range metarange needs about 5·10⁸ hashes). */
    static void prepare(int n) {
        java.util.stream.IntStream.range(0, n).parallel().forEach(TestMetaRanges::breakingKey);
    }

    private static String searchBreakingKey(int j) {
        String prefix = String.format("r%06d/", j);
        long state = fnv(FNV_OFFSET, prefix.getBytes(StandardCharsets.US_ASCII));
        byte[] digits = new byte[20];
        for (long i = 0; ; i++) {
            int n = 0;
            long v = i;
            do {
                digits[n++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v > 0);
            long hash = state;
            for (int k = n - 1; k >= 0; k--) {
                hash ^= digits[k];
                hash *= FNV_PRIME;
            }
            if (Long.remainderUnsigned(hash, RAGGEDNESS) == 0) {
                return prefix + i;
            }
        }
    }

    private static long fnv(long state, byte[] bytes) {
        long hash = state;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
