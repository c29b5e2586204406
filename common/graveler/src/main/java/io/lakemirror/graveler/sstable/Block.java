package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;

/**
 * The decompressed contents of one block: prefix-compressed entries followed by the restart array
 * ({@code u32} offsets of entries stored with no shared prefix) and its length.
 */
final class Block {
    private final byte[] contents;
    private final int entriesEnd;
    private final int restartCount;
    private final String what;

    /** {@code what} names the file and block in every error about these bytes. */
    Block(byte[] contents, String what) {
        this.contents = contents;
        this.what = what;
        if (contents.length < 4) {
            throw corrupt("block of " + contents.length + " bytes cannot hold a restart count");
        }
        ByteCursor tail = new ByteCursor(contents, contents.length - 4, contents.length);
        long count = tail.readFixed32LE() & 0xffff_ffffL;
        long restartsLength = 4 * (count + 1);
        if (count == 0 && contents.length > 4 || restartsLength > contents.length) {
            throw corrupt("restart count " + count + " does not fit a " + contents.length + "-byte block");
        }
        this.restartCount = (int) count;
        this.entriesEnd = contents.length - (int) restartsLength;
    }

    BlockIterator iterator() {
        return new BlockIterator(this);
    }

    byte[] contents() {
        return contents;
    }

    int entriesEnd() {
        return entriesEnd;
    }

    int restartCount() {
        return restartCount;
    }

    int restartOffset(int index) {
        ByteCursor in = new ByteCursor(contents, entriesEnd + 4 * index, entriesEnd + 4 * index + 4);
        int offset = in.readFixed32LE();
        if (offset < 0 || offset >= entriesEnd) {
            throw corrupt("restart point " + index + " points at " + Integer.toUnsignedString(offset)
                    + ", outside the " + entriesEnd + " bytes of entries");
        }
        return offset;
    }

    String what() {
        return what;
    }

    CorruptDataException corrupt(String problem) {
        return new CorruptDataException(what + ": " + problem + "; the file is corrupt and is not read further");
    }

    CorruptDataException corrupt(CorruptDataException cause) {
        return new CorruptDataException(what + ": " + cause.getMessage() + "; the file is corrupt and is not read further",
                cause);
    }
}
