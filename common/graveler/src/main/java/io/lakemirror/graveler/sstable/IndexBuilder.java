package io.lakemirror.graveler.sstable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collects one index entry per data block. Like pebble, it starts a new index partition whenever
 * the current one would pass the index block size; with more than one partition the table gets a
 * two-level index (partitions written after the data, then a top-level index over them).
 */
final class IndexBuilder {
    private final int blockSize;
    private final int threshold;
    private final BlockBuilder current = new BlockBuilder(1);
    private final List<Partition> partitions = new ArrayList<>();
    private long finishedPartitionBytes;

    private record Partition(byte[] contents, byte[] lastKey) {
    }

    /** What the finished index looks like, for the table properties. */
    record Written(BlockHandle handle, IndexType type, long indexSize, int partitions, long topLevelSize) {
    }

    IndexBuilder(int blockSize, int threshold) {
        this.blockSize = blockSize;
        this.threshold = threshold;
    }

    void add(byte[] separatorKey, BlockHandle dataBlock) {
        byte[] value = dataBlock.encode();
        if (current.shouldFlushBefore(separatorKey.length, value.length, blockSize, threshold)) {
            byte[] lastKey = current.lastKey();
            byte[] contents = current.finish();
            finishedPartitionBytes += contents.length;
            partitions.add(new Partition(contents, lastKey));
        }
        current.add(separatorKey, value);
    }

    /** Finished partitions plus the block being filled. */
    long estimatedSize() {
        return finishedPartitionBytes + current.estimatedSize();
    }

    /** Writes the index through {@code writeBlock}, which stores a block and returns its handle. */
    Written finish(Function<byte[], BlockHandle> writeBlock) {
        if (partitions.isEmpty()) {
            BlockHandle handle = writeBlock.apply(current.finish());
            return new Written(handle, IndexType.SINGLE_LEVEL, stored(handle), 0, 0);
        }
        byte[] lastKey = current.lastKey();
        partitions.add(new Partition(current.finish(), lastKey));
        BlockBuilder topLevel = new BlockBuilder(1);
        long indexSize = 0;
        for (Partition partition : partitions) {
            BlockHandle handle = writeBlock.apply(partition.contents());
            indexSize += stored(handle);
            topLevel.add(partition.lastKey(), handle.encode());
        }
        BlockHandle top = writeBlock.apply(topLevel.finish());
        Written written = new Written(top, IndexType.TWO_LEVEL, indexSize + stored(top), partitions.size(), stored(top));
        partitions.clear();
        finishedPartitionBytes = 0;
        return written;
    }

    private static long stored(BlockHandle handle) {
        return handle.length() + BlockHandle.TRAILER_LENGTH;
    }
}
