package io.lakemirror.graveler.sstable;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.CorruptDataException;
import java.util.Arrays;

/**
 * Turns block handles into verified, decompressed {@link Block}s. Keeps the tail of the file read
 * at open (footer, metaindex, properties and usually the whole index), so that opening a table
 * costs one read; other blocks are read on demand or come from a caller's readahead span.
 * Stateless after construction, so one fetcher serves concurrent iterators.
 */
final class BlockFetcher {
    /** Enough for footer, metaindex, properties and a single-level or top-level index of a lakeFS range. */
    static final int TAIL_READ_LENGTH = 16 * 1024;
    /** Larger than any block pebble writes by orders of magnitude; guards allocations against corrupt handles. */
    private static final long MAX_BLOCK_LENGTH = 256L << 20;

    private final ByteSource source;
    private final long fileSize;
    private final long tailOffset;
    private final byte[] tail;

    BlockFetcher(ByteSource source) {
        this.source = source;
        this.fileSize = source.size();
        if (fileSize < Footer.LENGTH) {
            throw new CorruptDataException(source.name() + " is not an SSTable: its " + fileSize
                    + " bytes cannot hold the " + Footer.LENGTH + "-byte footer");
        }
        int tailLength = (int) Math.min(fileSize, TAIL_READ_LENGTH);
        this.tailOffset = fileSize - tailLength;
        this.tail = readSpan(tailOffset, tailLength, "the end of the file");
    }

    String fileName() {
        return source.name();
    }

    long fileSize() {
        return fileSize;
    }

    byte[] footerBytes() {
        return Arrays.copyOfRange(tail, tail.length - Footer.LENGTH, tail.length);
    }

    /** Reads exactly {@code length} bytes at {@code offset}, or reports the file as truncated. */
    byte[] readSpan(long offset, long length, String what) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new CorruptDataException(source.name() + ": " + what + " claims " + length + " bytes");
        }
        byte[] bytes = source.read(offset, (int) length);
        if (bytes == null || bytes.length != length) {
            throw new CorruptDataException(source.name() + ": reading " + what + " returned "
                    + (bytes == null ? 0 : bytes.length) + " of " + length + " bytes at offset " + offset
                    + " (the file is shorter than its footer and index say: truncated?); it is not read further");
        }
        return bytes;
    }

    /** Fetches one block, from the tail when it lies there. */
    Block fetch(BlockHandle handle, String what) {
        checkBounds(handle, what);
        if (handle.offset() >= tailOffset) {
            return decode(tail, (int) (handle.offset() - tailOffset), handle, what);
        }
        return decode(readSpan(handle.offset(), handle.length() + BlockHandle.TRAILER_LENGTH, what), 0, handle, what);
    }

    /** Whether {@link #fetch} would serve this block without reading. */
    boolean inTail(BlockHandle handle) {
        return handle.offset() >= tailOffset;
    }

    /** Verifies and decompresses a block whose stored bytes start at {@code start} of {@code buffer}. */
    Block decode(byte[] buffer, int start, BlockHandle handle, String what) {
        String where = source.name() + ": " + what + " (" + handle + ")";
        int length = (int) handle.length();
        ByteCursor trailer = new ByteCursor(buffer, start + length, start + length + BlockHandle.TRAILER_LENGTH);
        int type = trailer.readUnsignedByte();
        int stored = trailer.readFixed32LE();
        int computed = BlockTrailer.maskedChecksum(buffer, start, length, type);
        if (stored != computed) {
            throw new CorruptDataException(String.format("%s: checksum mismatch (stored %08x, computed %08x);"
                    + " the file is corrupt and is not read further", where, stored, computed));
        }
        try {
            return new Block(BlockCompression.decompress(buffer, start, length, type), where);
        } catch (CorruptDataException e) {
            throw new CorruptDataException(where + ": " + e.getMessage() + "; the file is corrupt and is not read further", e);
        }
    }

    void checkBounds(BlockHandle handle, String what) {
        long dataEnd = fileSize - Footer.LENGTH;
        if (handle.length() > MAX_BLOCK_LENGTH || handle.end() > dataEnd || handle.end() < handle.offset()) {
            throw new CorruptDataException(source.name() + ": " + what + " (" + handle + ") lies outside the "
                    + dataEnd + " bytes before the footer (truncated or corrupt file); it is not read further");
        }
    }
}
