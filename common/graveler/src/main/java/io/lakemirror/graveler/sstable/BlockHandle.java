package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;

/**
 * Where a block lives in a table: its offset and its length without the 5-byte trailer. Encoded as
 * two unsigned varints.
 */
public record BlockHandle(long offset, long length) {
    /** Bytes after every block: the compression type and a masked CRC32C. */
    public static final int TRAILER_LENGTH = 5;
    /** Two 10-byte varints. */
    static final int MAX_ENCODED_LENGTH = 20;

    public BlockHandle {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative block handle " + offset + "/" + length);
        }
    }

    /** Reads a handle; trailing bytes (block properties in newer formats) are left unread. */
    public static BlockHandle decode(ByteCursor in) {
        long offset = in.readUvarint64();
        long length = in.readUvarint64();
        if (offset < 0 || length < 0) {
            throw new CorruptDataException("block handle " + Long.toUnsignedString(offset)
                    + "/" + Long.toUnsignedString(length) + " is out of range");
        }
        return new BlockHandle(offset, length);
    }

    public ByteWriter encodeTo(ByteWriter out) {
        return out.writeUvarint(offset).writeUvarint(length);
    }

    public byte[] encode() {
        return encodeTo(new ByteWriter(MAX_ENCODED_LENGTH)).toByteArray();
    }

    /** First byte after the block's trailer. */
    public long end() {
        return offset + length + TRAILER_LENGTH;
    }

    @Override
    public String toString() {
        return "offset " + offset + ", " + length + " bytes";
    }
}
