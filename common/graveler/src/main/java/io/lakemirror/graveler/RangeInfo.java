package io.lakemirror.graveler;

import io.lakemirror.domain.RangeId;
import io.lakemirror.graveler.sstable.Printable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One metarange record: a range file and the keys it covers.
 *
 * @param id                 the range ID, also its file name under {@code _lakefs/}
 * @param minKey             first key in the range
 * @param maxKey             last key in the range (also the metarange record's key)
 * @param count              number of records
 * @param estimatedSizeBytes lakeFS's size estimate; it differs from the range's own
 *                           {@code estimated_size_bytes} property, so do not compare them
 */
public record RangeInfo(RangeId id, byte[] minKey, byte[] maxKey, long count, long estimatedSizeBytes) {
    public RangeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(minKey, "minKey");
        Objects.requireNonNull(maxKey, "maxKey");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeInfo other && id.equals(other.id) && Arrays.equals(minKey, other.minKey)
                && Arrays.equals(maxKey, other.maxKey) && count == other.count
                && estimatedSizeBytes == other.estimatedSizeBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, count, estimatedSizeBytes) * 31 + Arrays.hashCode(minKey) * 7 + Arrays.hashCode(maxKey);
    }

    @Override
    public String toString() {
        return "RangeInfo[id=" + id + ", minKey=" + Printable.bytes(minKey) + ", maxKey=" + Printable.bytes(maxKey)
                + ", count=" + count + ", estimatedSizeBytes=" + estimatedSizeBytes + "]";
    }
}
