package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.util.Arrays;

/**
 * A key as stored in data and index blocks: the user key followed by an 8-byte little-endian
 * trailer {@code (sequenceNumber << 8) | kind}. lakeFS writes every record with sequence number 0
 * and kind {@link #KIND_SET}.
 *
 * <p>The user key array is not copied; treat it as read-only.
 */
public record InternalKey(byte[] userKey, long sequenceNumber, int kind) {
    public static final int TRAILER_LENGTH = 8;
    public static final int KIND_DELETE = 0;
    public static final int KIND_SET = 1;
    /** What index separators carry: sorts after every real kind for the same user key. */
    public static final int KIND_SEPARATOR = 17;
    public static final long MAX_SEQUENCE_NUMBER = (1L << 56) - 1;

    public InternalKey {
        if (sequenceNumber < 0 || sequenceNumber > MAX_SEQUENCE_NUMBER || kind < 0 || kind > 0xff) {
            throw new IllegalArgumentException("sequence number " + sequenceNumber + " / kind " + kind + " out of range");
        }
    }

    public static InternalKey set(byte[] userKey) {
        return new InternalKey(userKey, 0, KIND_SET);
    }

    /** Splits a stored key; throws when it is too short to hold a trailer. */
    public static InternalKey decode(byte[] encoded) {
        if (encoded.length < TRAILER_LENGTH) {
            throw new CorruptDataException("a " + encoded.length + "-byte key cannot hold an internal-key trailer");
        }
        int userLength = encoded.length - TRAILER_LENGTH;
        long trailer = new ByteCursor(encoded, userLength, encoded.length).readFixed64LE();
        return new InternalKey(Arrays.copyOf(encoded, userLength), trailer >>> 8, (int) (trailer & 0xff));
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(userKey.length + TRAILER_LENGTH);
        out.write(userKey);
        out.writeFixed64LE(sequenceNumber << 8 | kind);
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InternalKey other && Arrays.equals(userKey, other.userKey)
                && sequenceNumber == other.sequenceNumber && kind == other.kind;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(userKey) * 31 + Long.hashCode(sequenceNumber) * 7 + kind;
    }

    @Override
    public String toString() {
        return Printable.bytes(userKey) + "#" + sequenceNumber + "," + kind;
    }
}
