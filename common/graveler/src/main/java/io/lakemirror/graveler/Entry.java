package io.lakemirror.graveler;

import io.lakemirror.identity.IdentityHasher;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A lakeFS catalog entry (the value of a range record): where an object's data lives and what lakeFS
 * knows about it.
 *
 * @param address      physical address, relative to the storage namespace or absolute (see {@code addressType})
 * @param addressType  how to read {@code address}
 * @param lastModified modification time; a stored entry without one reads as the epoch
 * @param size         size in bytes
 * @param eTag         the object's checksum as lakeFS reports it
 * @param metadata     user metadata (sorted, unmodifiable copy)
 * @param contentType  MIME type, empty when unknown
 */
public record Entry(String address, AddressType addressType, Instant lastModified, long size,
                    String eTag, Map<String, String> metadata, String contentType) {

    /** lakeFS's {@code catalog.Entry.AddressType}. */
    public enum AddressType { BY_PREFIX_DEPRECATED, RELATIVE, FULL }

    public Entry {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(addressType, "addressType");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(eTag, "eTag");
        metadata = Objects.requireNonNull(metadata, "metadata").isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(metadata));
        Objects.requireNonNull(contentType, "contentType");
    }

    /**
     * The 32-byte SHA-256 lakeFS stores beside the entry: size, ETag, metadata and, when set, content
     * type. Address and modification time do not count, so moving identical data keeps the identity.
     */
    public byte[] identity() {
        IdentityHasher hasher = IdentityHasher.sha256().int64(size).string(eTag).stringMap(metadata);
        if (!contentType.isEmpty()) {
            hasher.string(contentType);
        }
        return hasher.digest();
    }
}
