package io.lakemirror.graveler.sstable;

import java.util.Arrays;

/** A growable byte array with the encodings {@link ByteCursor} reads. Not thread-safe. */
public final class ByteWriter {
    private byte[] bytes;
    private int size;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public ByteWriter writeByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    public ByteWriter write(byte[] source) {
        return write(source, 0, source.length);
    }

    public ByteWriter write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
        return this;
    }

    public ByteWriter writeUvarint(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7fL) != 0) {
            bytes[size++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
        return this;
    }

    /** Go's {@code binary.PutVarint}: zig-zag signed varint. */
    public ByteWriter writeZigZagVarint(long value) {
        return writeUvarint((value << 1) ^ (value >> 63));
    }

    public ByteWriter writeFixed32LE(int value) {
        ensure(4);
        bytes[size++] = (byte) value;
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 24);
        return this;
    }

    public ByteWriter writeFixed64LE(long value) {
        writeFixed32LE((int) value);
        return writeFixed32LE((int) (value >>> 32));
    }

    /** Zero bytes up to {@code newSize}. */
    public ByteWriter padTo(int newSize) {
        if (newSize > size) {
            ensure(newSize - size);
            Arrays.fill(bytes, size, newSize, (byte) 0);
            size = newSize;
        }
        return this;
    }

    public void reset() {
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public static int uvarintLength(long value) {
        int n = 1;
        for (long v = value >>> 7; v != 0; v >>>= 7) {
            n++;
        }
        return n;
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            long wanted = Math.max((long) bytes.length * 2, (long) size + extra);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("buffer would exceed 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
    }
}
