package io.lakemirror.graveler.sstable;

import java.util.Arrays;

/** One point record of a table in key order. The value array is not copied; treat it as read-only. */
public record TableRecord(InternalKey key, byte[] value) {
    @Override
    public boolean equals(Object o) {
        return o instanceof TableRecord other && key.equals(other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return key + "=" + Printable.bytes(value);
    }
}
