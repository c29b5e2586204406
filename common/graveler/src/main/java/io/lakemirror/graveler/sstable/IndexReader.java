package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lists the data blocks of a table in key order from its index: the single index block, or the
 * top-level index and, loaded one at a time, the partitions it points to.
 */
final class IndexReader {
    private final BlockFetcher fetcher;
    private final Block topLevel;
    private final IndexType type;

    IndexReader(BlockFetcher fetcher, Block topLevel, IndexType type) {
        this.fetcher = fetcher;
        this.topLevel = topLevel;
        this.type = type;
    }

    /** Data blocks from the one that may hold {@code startKey} (all of them when it is null). */
    Iterator<DataBlockRef> dataBlocks(byte[] startKey) {
        return type == IndexType.SINGLE_LEVEL
                ? new Entries(topLevel, startKey, startKey == null ? new int[1] : null)
                : new Partitioned(startKey);
    }

    private static BlockHandle handleAt(BlockIterator it, Block block) {
        try {
            return BlockHandle.decode(it.valueCursor());
        } catch (CorruptDataException e) {
            throw block.corrupt(e);
        }
    }

    private static void position(BlockIterator it, byte[] startKey) {
        if (startKey == null) {
            it.seekToFirst();
        } else {
            it.seekGE(startKey, true);
        }
    }

    /** The entries of one index block (single-level index or one partition). */
    private final class Entries implements Iterator<DataBlockRef> {
        private final Block block;
        private final BlockIterator it;
        private final int[] ordinal;

        /** {@code ordinal} counts data blocks across partitions; null after a seek, when it is unknown. */
        Entries(Block block, byte[] startKey, int[] ordinal) {
            this.block = block;
            this.it = block.iterator();
            this.ordinal = ordinal;
            position(it, startKey);
        }

        @Override
        public boolean hasNext() {
            return it.valid();
        }

        @Override
        public DataBlockRef next() {
            if (!it.valid()) {
                throw new NoSuchElementException();
            }
            BlockHandle handle = handleAt(it, block);
            String what = ordinal == null ? "data block" : "data block " + ordinal[0]++;
            it.next();
            fetcher.checkBounds(handle, what);
            return new DataBlockRef(handle, what);
        }
    }

    private final class Partitioned implements Iterator<DataBlockRef> {
        private final BlockIterator top;
        private final int[] ordinal;
        private byte[] startKey;
        private Entries current;
        private int partition;

        Partitioned(byte[] startKey) {
            this.startKey = startKey;
            this.ordinal = startKey == null ? new int[1] : null;
            this.top = topLevel.iterator();
            position(top, startKey);
        }

        @Override
        public boolean hasNext() {
            while ((current == null || !current.hasNext()) && top.valid()) {
                BlockHandle handle = handleAt(top, topLevel);
                top.next();
                Block block = fetcher.fetch(handle, ordinal == null ? "index partition" : "index partition " + partition++);
                current = new Entries(block, startKey, ordinal);
                startKey = null;
            }
            return current != null && current.hasNext();
        }

        @Override
        public DataBlockRef next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }
}
