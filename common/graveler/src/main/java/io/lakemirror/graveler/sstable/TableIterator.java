package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Yields the point records of a table in key order, loading data blocks as it goes.
 *
 * <p>Consecutive data blocks are read in one span that starts small (a point lookup reads little)
 * and doubles up to {@link #MAX_READAHEAD}, so a scan over a remote object costs a few dozen
 * requests rather than one per 4 KiB block. A full scan ends by checking the number of records
 * against the table's properties, so a damaged index cannot silently shorten the result.
 */
final class TableIterator implements Iterator<TableRecord> {
    static final int INITIAL_READAHEAD = 16 * 1024;
    static final int MAX_READAHEAD = 256 * 1024;

    private final BlockFetcher fetcher;
    private final Iterator<DataBlockRef> blocks;
    private final Deque<DataBlockRef> lookahead = new ArrayDeque<>();
    private final long expectedRecords;
    private byte[] seekKey;
    private byte[] span = new byte[0];
    private long spanOffset;
    private int readahead = INITIAL_READAHEAD;
    private BlockIterator current;
    private Block currentBlock;
    private byte[] previousKey;
    private long count;

    /**
     * @param seekKey         start at the first record whose user key is at least this; null for all
     * @param expectedRecords how many records a full scan must yield; negative when not checked
     */
    TableIterator(BlockFetcher fetcher, Iterator<DataBlockRef> blocks, byte[] seekKey, long expectedRecords) {
        this.fetcher = fetcher;
        this.blocks = blocks;
        this.seekKey = seekKey;
        this.expectedRecords = expectedRecords;
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.valid()) {
            DataBlockRef next = nextBlock();
            if (next == null) {
                checkCount();
                return false;
            }
            currentBlock = load(next);
            current = currentBlock.iterator();
            if (seekKey != null) {
                current.seekGE(seekKey, true);
                seekKey = null;
            } else {
                current.seekToFirst();
            }
        }
        return true;
    }

    @Override
    public TableRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        byte[] encodedKey = current.key();
        InternalKey key;
        try {
            key = InternalKey.decode(encodedKey);
        } catch (CorruptDataException e) {
            throw currentBlock.corrupt(e);
        }
        if (previousKey != null && Arrays.compareUnsigned(previousKey, key.userKey()) > 0) {
            throw currentBlock.corrupt("key " + Printable.bytes(key.userKey()) + " sorts before the previous key "
                    + Printable.bytes(previousKey));
        }
        previousKey = key.userKey();
        TableRecord record = new TableRecord(key, current.value());
        current.next();
        count++;
        return record;
    }

    private DataBlockRef nextBlock() {
        if (!lookahead.isEmpty()) {
            return lookahead.poll();
        }
        return blocks.hasNext() ? blocks.next() : null;
    }

    private Block load(DataBlockRef ref) {
        BlockHandle handle = ref.handle();
        if (fetcher.inTail(handle)) {
            return fetcher.fetch(handle, ref.what());
        }
        if (handle.offset() < spanOffset || handle.end() > spanOffset + span.length) {
            fillSpan(handle, ref.what());
        }
        return fetcher.decode(span, (int) (handle.offset() - spanOffset), handle, ref.what());
    }

    /**
     * Reads {@code first} and the contiguous blocks after it, up to the current readahead size.
     * Blocks pulled ahead wait in {@link #lookahead}; all but the last of them lie in the span, and
     * that last one is consumed before the next fill, so the queue is empty here.
     */
    private void fillSpan(BlockHandle first, String what) {
        long end = first.end();
        while (end - first.offset() < readahead && blocks.hasNext()) {
            DataBlockRef next = blocks.next();
            lookahead.add(next);
            BlockHandle handle = next.handle();
            if (handle.offset() != end || handle.end() - first.offset() > readahead || fetcher.inTail(handle)) {
                break;
            }
            end = handle.end();
        }
        span = fetcher.readSpan(first.offset(), end - first.offset(), what);
        spanOffset = first.offset();
        readahead = Math.min(readahead * 2, MAX_READAHEAD);
    }

    private void checkCount() {
        if (expectedRecords >= 0 && count != expectedRecords) {
            throw new CorruptDataException(fetcher.fileName() + ": the index leads to " + count
                    + " records but the table properties count " + expectedRecords
                    + "; the file is corrupt or truncated and is not used");
        }
    }
}
