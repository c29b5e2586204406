package io.lakemirror.graveler;

import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.graveler.sstable.ByteCursor;
import io.lakemirror.graveler.sstable.ByteWriter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A graveler value as stored in a range or metarange record: the identity and the data (a
 * protobuf), each preceded by its length as a Go zig-zag varint. Bytes after the data are ignored,
 * as lakeFS ignores them. Arrays are not copied; treat them as read-only.
 */
public record GravelerValue(byte[] identity, byte[] data) {
    /** lakeFS's limit for either part. */
    static final int MAX_PART_LENGTH = 640 << 16;

    public GravelerValue {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(data, "data");
    }

    /** Decodes a stored value; the message of a {@link CorruptDataException} says what is wrong, not where. */
    public static GravelerValue decode(byte[] value) {
        ByteCursor in = new ByteCursor(value);
        byte[] identity = in.readBytes(part(in, "identity"));
        byte[] data = in.readBytes(part(in, "data"));
        return new GravelerValue(identity, data);
    }

    public byte[] encode() {
        return new ByteWriter(identity.length + data.length + 8)
                .writeZigZagVarint(identity.length).write(identity)
                .writeZigZagVarint(data.length).write(data)
                .toByteArray();
    }

    private static int part(ByteCursor in, String name) {
        long length = in.readZigZagVarint64();
        if (length < 0 || length > MAX_PART_LENGTH || length > in.remaining()) {
            throw new CorruptDataException("graveler value " + name + " length " + length + " is impossible with "
                    + in.remaining() + " bytes left");
        }
        return (int) length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GravelerValue other && Arrays.equals(identity, other.identity) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(identity) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "GravelerValue[identity=" + HexFormat.of().formatHex(identity) + ", data=" + data.length + " bytes]";
    }
}
