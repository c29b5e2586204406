package io.lakemirror.graveler;

import io.lakemirror.identity.IdentityHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Computes a range or metarange ID the way lakeFS's {@code DiskWriter} does: SHA-256 over every
 * record as {@code len(key) key "|" len(value) value "|"} (lengths in ASCII decimal), then the
 * user properties known before closing. The ID depends on records and properties only, not on the
 * SSTable layout, so any valid writer yields lakeFS's ID for the same content.
 */
final class TableIdHasher {
    private static final byte SEPARATOR = '|';
    private final MessageDigest digest = IdentityHasher.newSha256();

    void addRecord(byte[] key, byte[] value) {
        digest.update(Integer.toString(key.length).getBytes(StandardCharsets.US_ASCII));
        digest.update(key);
        digest.update(SEPARATOR);
        digest.update(Integer.toString(value.length).getBytes(StandardCharsets.US_ASCII));
        digest.update(value);
        digest.update(SEPARATOR);
    }

    /** The hex ID; {@code hashedProperties} are {key, value} pairs (for lakeFS commits: just the type). */
    String finish(List<byte[][]> hashedProperties) {
        return new IdentityHasher(digest).byteStringMap(hashedProperties).hexDigest();
    }
}
