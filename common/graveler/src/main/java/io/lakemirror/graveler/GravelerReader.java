package io.lakemirror.graveler;

import io.lakemirror.blockstore.ByteSource;
import java.util.Iterator;

/**
 * Reads lakeFS metadata files. Iterators are lazy: they read blocks as they go, verify every
 * checksum, and throw {@link io.lakemirror.domain.CorruptDataException} naming the file and block
 * for bad bytes; a truncated file fails rather than yielding fewer records. Failures of the
 * {@link ByteSource} itself pass through unchanged.
 */
public final class GravelerReader {
    private GravelerReader() {
    }

    /** The ranges a metarange lists, in key order. */
    public static Iterator<RangeInfo> readMetaRange(ByteSource source) {
        return GravelerFile.open(source).ranges();
    }

    /** The entries of a range, in key order. */
    public static Iterator<EntryRecord> readRange(ByteSource source) {
        return GravelerFile.open(source).entries();
    }

    /** Opens a file for inspection: type, properties, records, computed ID. */
    public static GravelerFile open(ByteSource source) {
        return GravelerFile.open(source);
    }
}
