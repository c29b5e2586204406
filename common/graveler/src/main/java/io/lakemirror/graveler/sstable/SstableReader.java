package io.lakemirror.graveler.sstable;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Reads a RocksDB block-based table (format version 2, CRC32C, bytewise keys) as pebble writes it
 * for lakeFS: point records in key order, a full scan or from a key. Filter and range-deletion
 * blocks are ignored; every block read is checksum-verified.
 *
 * <p>Opening reads the end of the file once (footer, metaindex, properties, index). Immutable and
 * safe to share between threads when its {@link ByteSource} is; each iterator is single-threaded.
 */
public final class SstableReader {
    static final String PROPERTIES_BLOCK = "rocksdb.properties";

    private final BlockFetcher fetcher;
    private final Footer footer;
    private final Map<String, BlockHandle> metaIndex;
    private final SstableProperties properties;
    private final IndexType indexType;
    private final IndexReader index;

    private SstableReader(ByteSource source) {
        this.fetcher = new BlockFetcher(source);
        this.footer = Footer.decode(fetcher.footerBytes(), source.name());
        this.metaIndex = readMetaIndex(fetcher.fetch(footer.metaIndex(), "metaindex block"));
        BlockHandle propertiesHandle = metaIndex.get(PROPERTIES_BLOCK);
        this.properties = propertiesHandle == null ? new SstableProperties(Map.of())
                : readProperties(fetcher.fetch(propertiesHandle, "properties block"));
        OptionalLong indexCode = properties.number(SstableProperties.INDEX_TYPE);
        this.indexType = IndexType.ofCode(indexCode.orElse(0), source.name());
        checkComparator(source.name());
        Block topLevel = fetcher.fetch(footer.index(),
                indexType == IndexType.TWO_LEVEL ? "top-level index block" : "index block");
        this.index = new IndexReader(fetcher, topLevel, indexType);
    }

    /** Opens a table: reads its footer, properties and index; throws {@link CorruptDataException} for bad bytes. */
    public static SstableReader open(ByteSource source) {
        return new SstableReader(Objects.requireNonNull(source, "source"));
    }

    public String name() {
        return fetcher.fileName();
    }

    public long size() {
        return fetcher.fileSize();
    }

    public Footer footer() {
        return footer;
    }

    /** Names of the metaindex entries (properties, filter, range deletions …), in stored order. */
    public Iterable<String> metaIndexNames() {
        return metaIndex.keySet();
    }

    public SstableProperties properties() {
        return properties;
    }

    public IndexType indexType() {
        return indexType;
    }

    /** Every point record in key order; the scan fails if it yields fewer or more records than the properties count. */
    public Iterator<TableRecord> iterator() {
        return new TableIterator(fetcher, index.dataBlocks(null), null, expectedPointRecords());
    }

    /** Records from the first whose user key is at least {@code userKey} (pebble's SeekGE). */
    public Iterator<TableRecord> seek(byte[] userKey) {
        Objects.requireNonNull(userKey, "userKey");
        return new TableIterator(fetcher, index.dataBlocks(userKey), userKey, -1);
    }

    /** Handles of all data blocks in key order, as the index lists them (reads index partitions). */
    public List<BlockHandle> dataBlockHandles() {
        List<BlockHandle> handles = new ArrayList<>();
        index.dataBlocks(null).forEachRemaining(ref -> handles.add(ref.handle()));
        return Collections.unmodifiableList(handles);
    }

    /** RocksDB counts range deletions in {@code num.entries}, but keeps them out of the data blocks. */
    private long expectedPointRecords() {
        OptionalLong entries = properties.number(SstableProperties.NUM_ENTRIES);
        if (entries.isEmpty()) {
            return -1;
        }
        return entries.getAsLong() - properties.number(SstableProperties.NUM_RANGE_DELETIONS).orElse(0);
    }

    private void checkComparator(String name) {
        String comparator = properties.string(SstableProperties.COMPARATOR).orElse("");
        if (!comparator.isEmpty() && !comparator.equals("leveldb.BytewiseComparator")) {
            throw new CorruptDataException(name + ": keys are ordered by comparator " + comparator
                    + ", not leveldb.BytewiseComparator; such tables are not supported");
        }
    }

    private static Map<String, BlockHandle> readMetaIndex(Block block) {
        Map<String, BlockHandle> handles = new LinkedHashMap<>();
        BlockIterator it = block.iterator();
        for (it.seekToFirst(); it.valid(); it.next()) {
            try {
                handles.put(new String(it.key(), StandardCharsets.UTF_8), BlockHandle.decode(it.valueCursor()));
            } catch (CorruptDataException e) {
                throw block.corrupt(e);
            }
        }
        return Collections.unmodifiableMap(handles);
    }

    private static SstableProperties readProperties(Block block) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        BlockIterator it = block.iterator();
        for (it.seekToFirst(); it.valid(); it.next()) {
            values.put(new String(it.key(), StandardCharsets.UTF_8), it.value());
        }
        return new SstableProperties(values);
    }
}
