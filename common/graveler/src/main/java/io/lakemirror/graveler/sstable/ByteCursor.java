package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.util.Arrays;

/**
 * Reads the primitive encodings of RocksDB tables and graveler values (little-endian fixed-width
 * integers, unsigned LEB128 varints, Go's zig-zag signed varints) from a byte array.
 *
 * <p>Hand-written rather than protobuf's {@code CodedInputStream} because block entries are decoded
 * in the innermost loop of every scan, in place and without allocating. Malformed input throws
 * {@link CorruptDataException} with the offset; callers add which file and block it was.
 */
public final class ByteCursor {
    private final byte[] bytes;
    private final int limit;
    private int position;

    public ByteCursor(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public ByteCursor(byte[] bytes, int offset, int limit) {
        if (offset < 0 || limit > bytes.length || offset > limit) {
            throw new IllegalArgumentException("range [" + offset + ", " + limit + ") outside " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.position = offset;
        this.limit = limit;
    }

    public int position() {
        return position;
    }

    public void position(int newPosition) {
        if (newPosition < 0 || newPosition > limit) {
            throw new CorruptDataException("offset " + newPosition + " is outside the " + limit + "-byte region");
        }
        position = newPosition;
    }

    public int remaining() {
        return limit - position;
    }

    public boolean hasRemaining() {
        return position < limit;
    }

    public int readUnsignedByte() {
        require(1, "a byte");
        return bytes[position++] & 0xff;
    }

    public long readUvarint64() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw new CorruptDataException("varint runs past the end at offset " + position);
            }
            int b = bytes[position++] & 0xff;
            if (shift == 63 && b > 1) {
                throw new CorruptDataException("varint overflows 64 bits at offset " + (position - 1));
            }
            result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return result;
            }
        }
        throw new CorruptDataException("varint longer than 10 bytes at offset " + position);
    }

    /** A varint that RocksDB writes as {@code uint32}, returned unsigned in a {@code long}. */
    public long readUvarint32() {
        int start = position;
        long value = readUvarint64();
        if (value > 0xffff_ffffL) {
            throw new CorruptDataException("32-bit varint at offset " + start + " holds " + Long.toUnsignedString(value));
        }
        return value;
    }

    /** A 32-bit varint length that must fit in what is left of this region. */
    public int readLength() {
        int start = position;
        long length = readUvarint32();
        if (length > remaining()) {
            throw new CorruptDataException("length " + length + " at offset " + start + " exceeds the "
                    + remaining() + " bytes left");
        }
        return (int) length;
    }

    /** Go's {@code binary.Varint}: zig-zag signed varint. */
    public long readZigZagVarint64() {
        long raw = readUvarint64();
        return (raw >>> 1) ^ -(raw & 1);
    }

    public int readFixed32LE() {
        require(4, "a 32-bit integer");
        int v = (bytes[position] & 0xff) | (bytes[position + 1] & 0xff) << 8
                | (bytes[position + 2] & 0xff) << 16 | (bytes[position + 3] & 0xff) << 24;
        position += 4;
        return v;
    }

    public long readFixed64LE() {
        long low = readFixed32LE() & 0xffff_ffffL;
        long high = readFixed32LE() & 0xffff_ffffL;
        return high << 32 | low;
    }

    public byte[] readBytes(int length) {
        require(length, length + " bytes");
        byte[] out = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return out;
    }

    private void require(int length, String what) {
        if (length < 0 || length > limit - position) {
            throw new CorruptDataException("expected " + what + " at offset " + position + " but only "
                    + (limit - position) + " bytes are left");
        }
    }
}
