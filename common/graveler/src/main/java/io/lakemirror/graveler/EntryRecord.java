package io.lakemirror.graveler;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One range record: an object path and its entry.
 *
 * @param key      the object path (graveler key)
 * @param entry    the catalog entry
 * @param identity the identity stored with the entry; when writing, null means "compute it"
 *                 ({@link Entry#identity()}). Not copied; treat as read-only.
 */
public record EntryRecord(String key, Entry entry, byte[] identity) {
    public EntryRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entry, "entry");
    }

    /** Whether the stored identity is what the current lakeFS algorithm computes (old lakeFS versions differ). */
    public boolean identityMatchesEntry() {
        return identity != null && Arrays.equals(identity, entry.identity());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryRecord other && key.equals(other.key) && entry.equals(other.entry)
                && Arrays.equals(identity, other.identity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, entry) * 31 + Arrays.hashCode(identity);
    }

    @Override
    public String toString() {
        return "EntryRecord[key=" + key + ", entry=" + entry + ", identity="
                + (identity == null ? "null" : HexFormat.of().formatHex(identity)) + "]";
    }
}
