package io.lakemirror.graveler.sstable;

import java.util.zip.CRC32C;

/**
 * The 5 bytes after each block: compression type, then the masked CRC32C of the block bytes
 * followed by that type byte. LevelDB masks stored CRCs so that a CRC computed over data that
 * itself contains CRCs stays well distributed.
 */
final class BlockTrailer {
    static final int TYPE_NONE = 0;
    static final int TYPE_SNAPPY = 1;
    private static final int MASK_DELTA = 0xa282ead8;

    private BlockTrailer() {
    }

    /** The masked checksum of {@code length} bytes at {@code offset} followed by {@code type}. */
    static int maskedChecksum(byte[] bytes, int offset, int length, int type) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        crc.update(type);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }

    static void write(ByteWriter out, byte[] block, int type) {
        out.writeByte(type);
        out.writeFixed32LE(maskedChecksum(block, 0, block.length, type));
    }
}
