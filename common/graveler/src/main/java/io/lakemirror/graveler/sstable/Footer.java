package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.util.HexFormat;

/**
 * The fixed-size tail of a RocksDB block-based table (format version 2, as pebble writes it for
 * lakeFS): checksum type, metaindex and index handles padded to 40 bytes, format version, magic.
 */
public record Footer(int checksumType, BlockHandle metaIndex, BlockHandle index, int formatVersion) {
    public static final int LENGTH = 53;
    public static final long MAGIC = 0x88e241b785f4cff7L;
    public static final int CHECKSUM_CRC32C = 1;
    public static final int FORMAT_VERSION = 2;
    private static final long LEVELDB_MAGIC = 0xdb4775248b80fb57L;
    private static final int HANDLES_END = 1 + 2 * BlockHandle.MAX_ENCODED_LENGTH;

    /** Decodes the last {@link #LENGTH} bytes of a table; {@code where} names the file in errors. */
    public static Footer decode(byte[] tail, String where) {
        if (tail.length != LENGTH) {
            throw new IllegalArgumentException("footer is " + LENGTH + " bytes, got " + tail.length);
        }
        ByteCursor in = new ByteCursor(tail);
        in.position(LENGTH - 8);
        long magic = in.readFixed64LE();
        if (magic != MAGIC) {
            String hint = magic == LEVELDB_MAGIC ? "it is a LevelDB table, not a RocksDB one"
                    : "the last 8 bytes are " + HexFormat.of().formatHex(tail, LENGTH - 8, LENGTH)
                    + ", not the RocksDB magic f7cff485b741e288 (a foreign or truncated file)";
            throw new CorruptDataException(where + " is not an SSTable: " + hint);
        }
        in.position(LENGTH - 12);
        int version = in.readFixed32LE();
        in.position(0);
        int checksumType = in.readUnsignedByte();
        if (version < 1 || version > FORMAT_VERSION) {
            throw new CorruptDataException(where + ": table format version " + version
                    + " is not supported (only versions 1 and 2, which pebble writes for lakeFS)");
        }
        if (checksumType != CHECKSUM_CRC32C) {
            throw new CorruptDataException(where + ": checksum type " + checksumType
                    + " is not supported (only 1, CRC32C)");
        }
        try {
            BlockHandle metaIndex = BlockHandle.decode(in);
            BlockHandle index = BlockHandle.decode(in);
            if (in.position() > HANDLES_END) {
                throw new CorruptDataException("block handles overflow their 40 bytes");
            }
            return new Footer(checksumType, metaIndex, index, version);
        } catch (CorruptDataException e) {
            throw new CorruptDataException(where + ": footer: " + e.getMessage(), e);
        }
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(LENGTH);
        out.writeByte(checksumType);
        metaIndex.encodeTo(out);
        index.encodeTo(out);
        out.padTo(HANDLES_END);
        out.writeFixed32LE(formatVersion);
        out.writeFixed64LE(MAGIC);
        return out.toByteArray();
    }
}
