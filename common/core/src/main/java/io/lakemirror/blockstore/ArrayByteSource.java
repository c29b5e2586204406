package io.lakemirror.blockstore;

import java.util.Arrays;
import java.util.Objects;

/** Bytes in memory. */
final class ArrayByteSource implements ByteSource {
    private final String name;
    private final byte[] bytes;

    ArrayByteSource(String name, byte[] bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative read " + offset + "/" + length);
        }
        int from = (int) Math.min(offset, bytes.length);
        int to = (int) Math.min((long) from + length, bytes.length);
        return Arrays.copyOfRange(bytes, from, to);
    }

    @Override
    public String toString() {
        return name + " (" + bytes.length + " bytes in memory)";
    }
}
