package io.lakemirror.graveler.sstable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a table that pebble, and therefore lakeFS, opens: RocksDB block-based format version 2,
 * CRC32C, bytewise comparator, 4 KiB blocks with restart interval 16 (index and metaindex: 1),
 * Snappy only where it saves at least 12.5 %, a two-level index once the index outgrows one block,
 * and the properties pebble writes with lakeFS's options. Records get sequence number 0 and kind SET.
 *
 * <p>Builds the file in memory (lakeFS caps ranges at about 20 MiB). Not thread-safe; one use.
 */
public final class SstableWriter {
    public static final int BLOCK_SIZE = 4096;
    /** pebble's BlockSizeThreshold of 90 %, rounded up. */
    static final int BLOCK_SIZE_THRESHOLD = (BLOCK_SIZE * 90 + 99) / 100;
    static final int DATA_RESTART_INTERVAL = 16;

    private final ByteWriter file = new ByteWriter(64 * 1024);
    private final BlockBuilder dataBlock = new BlockBuilder(DATA_RESTART_INTERVAL);
    private final IndexBuilder index = new IndexBuilder(BLOCK_SIZE, BLOCK_SIZE_THRESHOLD);
    private byte[] lastUserKey;
    private long entries;
    private long rawKeySize;
    private long rawValueSize;
    private long dataBlocks;
    private boolean finished;

    /** Adds a record; user keys must be strictly increasing in unsigned byte order. */
    public void add(byte[] userKey, byte[] value) {
        if (finished) {
            throw new IllegalStateException("the table is already finished");
        }
        if (lastUserKey != null && Arrays.compareUnsigned(lastUserKey, userKey) >= 0) {
            throw new IllegalArgumentException("keys must be strictly increasing: " + Printable.bytes(userKey)
                    + " follows " + Printable.bytes(lastUserKey));
        }
        byte[] internalKey = InternalKey.set(userKey).encode();
        if (dataBlock.shouldFlushBefore(internalKey.length, value.length, BLOCK_SIZE, BLOCK_SIZE_THRESHOLD)) {
            index.add(KeySeparators.between(lastUserKey, userKey), flushDataBlock());
        }
        dataBlock.add(internalKey, value);
        lastUserKey = userKey.clone();
        entries++;
        rawKeySize += internalKey.length;
        rawValueSize += value.length;
    }

    public long entryCount() {
        return entries;
    }

    /**
     * Bytes written so far plus the blocks being filled, as pebble's {@code EstimatedSize} counts
     * them. lakeFS stores this number (in {@code estimated_size_bytes} before finishing, in a
     * metarange's {@code RangeData} after) and splits ranges by it, so it is reproduced exactly.
     */
    public long estimatedSize() {
        return file.size() + dataBlock.estimatedSize() + index.estimatedSize();
    }

    /** Writes index, properties (ours plus {@code userProperties}), metaindex and footer; returns the file. */
    public byte[] finish(Map<String, byte[]> userProperties) {
        if (finished) {
            throw new IllegalStateException("the table is already finished");
        }
        finished = true;
        if (!dataBlock.isEmpty()) {
            index.add(KeySeparators.after(lastUserKey), flushDataBlock());
        }
        long dataSize = file.size();
        IndexBuilder.Written writtenIndex = index.finish(this::writeCompressible);
        Map<String, byte[]> properties = new TableProperties(entries, dataBlocks, dataSize, rawKeySize, rawValueSize,
                writtenIndex).encode();
        TreeMap<byte[], byte[]> sorted = new TreeMap<>(Arrays::compareUnsigned);
        userProperties.forEach((name, value) -> sorted.put(name.getBytes(StandardCharsets.UTF_8), value));
        properties.forEach((name, value) -> sorted.put(name.getBytes(StandardCharsets.UTF_8), value));
        BlockBuilder propertiesBlock = new BlockBuilder(Integer.MAX_VALUE);
        sorted.forEach(propertiesBlock::add);
        BlockHandle propertiesHandle = writeBlock(propertiesBlock.finish(), BlockTrailer.TYPE_NONE);
        BlockBuilder metaIndex = new BlockBuilder(1);
        metaIndex.add(SstableReader.PROPERTIES_BLOCK.getBytes(StandardCharsets.US_ASCII), propertiesHandle.encode());
        BlockHandle metaIndexHandle = writeBlock(metaIndex.finish(), BlockTrailer.TYPE_NONE);
        file.write(new Footer(Footer.CHECKSUM_CRC32C, metaIndexHandle, writtenIndex.handle(), Footer.FORMAT_VERSION).encode());
        return file.toByteArray();
    }

    private BlockHandle flushDataBlock() {
        dataBlocks++;
        return writeCompressible(dataBlock.finish());
    }

    private BlockHandle writeCompressible(byte[] contents) {
        BlockCompression.Stored stored = BlockCompression.compressIfWorthwhile(contents);
        return writeBlock(stored.bytes(), stored.type());
    }

    private BlockHandle writeBlock(byte[] stored, int type) {
        BlockHandle handle = new BlockHandle(file.size(), stored.length);
        file.write(stored);
        BlockTrailer.write(file, stored, type);
        return handle;
    }
}
