package io.lakemirror.graveler;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RangeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Writes the metadata files of a lakeFS commit: the entries split into ranges where lakeFS splits
 * them, and the metarange listing those ranges. Files and IDs follow lakeFS's format and
 * algorithms, so lakeFS reads the files and computes the same IDs for the same entries.
 */
public final class GravelerWriter {
    private GravelerWriter() {
    }

    /** A written range: its ID (also its file name), the file, and its metarange record. */
    public record WrittenRange(RangeId id, byte[] bytes, RangeInfo info) {
    }

    /** A written metarange with the ranges it lists, in key order. */
    public record WrittenMetaRange(MetaRangeId id, byte[] bytes, List<WrittenRange> ranges) {
        public WrittenMetaRange {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * Splits sorted entries into ranges the way lakeFS does and writes them plus their metarange.
     * A record's null identity is computed from its entry. Keys must be strictly increasing in
     * UTF-8 byte order, otherwise {@link InvalidInputException}. No entries give an empty metarange.
     */
    public static WrittenMetaRange writeMetaRange(Iterator<EntryRecord> sortedByKey) {
        Objects.requireNonNull(sortedByKey, "sortedByKey");
        List<WrittenRange> ranges = new ArrayList<>();
        SortedEntries entries = new SortedEntries(sortedByKey);
        GravelerTableWriter range = null;
        while (entries.hasNext()) {
            if (range == null) {
                range = new GravelerTableWriter(GravelerFileType.RANGES);
            }
            byte[] key = entries.addNextTo(range);
            if (RangeBreakPolicy.shouldBreakAfter(key, range.estimatedSize())) {
                ranges.add(finishRange(range));
                range = null;
            }
        }
        if (range != null) {
            ranges.add(finishRange(range));
        }
        return writeMetaRangeOf(ranges);
    }

    /**
     * Writes all entries as one range, without lakeFS's split rule: for tools, tests and benchmarks
     * that need a range of a given content. Commits use {@link #writeMetaRange}. Same input rules;
     * at least one entry, as lakeFS writes no empty ranges.
     */
    public static WrittenRange writeRange(Iterator<EntryRecord> sortedByKey) {
        SortedEntries entries = new SortedEntries(Objects.requireNonNull(sortedByKey, "sortedByKey"));
        if (!entries.hasNext()) {
            throw new InvalidInputException("a range needs at least one entry; nothing was written");
        }
        GravelerTableWriter range = new GravelerTableWriter(GravelerFileType.RANGES);
        while (entries.hasNext()) {
            entries.addNextTo(range);
        }
        return finishRange(range);
    }

    /** Checks the order of the input and turns each record into a graveler value. */
    private static final class SortedEntries {
        private final Iterator<EntryRecord> records;
        private byte[] previousKey;

        SortedEntries(Iterator<EntryRecord> records) {
            this.records = records;
        }

        boolean hasNext() {
            return records.hasNext();
        }

        /** Adds the next record to {@code writer} and returns its key. */
        byte[] addNextTo(GravelerTableWriter writer) {
            EntryRecord record = records.next();
            byte[] key = Utf8.encode(record.key(), "key " + record.key());
            if (previousKey != null && Arrays.compareUnsigned(previousKey, key) >= 0) {
                throw new InvalidInputException("entries must be sorted by key without duplicates, but \"" + record.key()
                        + "\" follows \"" + new String(previousKey, StandardCharsets.UTF_8) + "\"; nothing was written");
            }
            previousKey = key;
            byte[] identity = record.identity() != null ? record.identity() : record.entry().identity();
            writer.add(key, new GravelerValue(identity, EntryCodec.encode(record.entry())).encode());
            return key;
        }
    }

    private static WrittenRange finishRange(GravelerTableWriter writer) {
        GravelerTableWriter.Finished finished = writer.finish();
        RangeId id = RangeId.of(finished.id());
        return new WrittenRange(id, finished.bytes(), new RangeInfo(id, finished.minKey(), finished.maxKey(),
                finished.count(), finished.estimatedSizeAfterClose()));
    }

    private static WrittenMetaRange writeMetaRangeOf(List<WrittenRange> ranges) {
        GravelerTableWriter metaRange = new GravelerTableWriter(GravelerFileType.METARANGES);
        for (WrittenRange range : ranges) {
            byte[] identity = range.id().value().getBytes(StandardCharsets.US_ASCII);
            metaRange.add(range.info().maxKey(), new GravelerValue(identity, RangeDataCodec.encode(range.info())).encode());
        }
        GravelerTableWriter.Finished finished = metaRange.finish();
        return new WrittenMetaRange(MetaRangeId.of(finished.id()), finished.bytes(), ranges);
    }
}
