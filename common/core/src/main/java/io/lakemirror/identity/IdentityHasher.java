package io.lakemirror.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Feeds values to SHA-256 in lakeFS's identity encoding ({@code pkg/ident}): each value is a type
 * byte followed by its bytes, integers as 8 big-endian bytes, strings and maps with their lengths,
 * map keys in byte order. Commit IDs, entry identities and table IDs are digests of such sequences.
 * Not thread-safe.
 */
public final class IdentityHasher {
    private static final int BYTES = 0;
    private static final int STRING = 1;
    private static final int INT64 = 2;
    private static final int STRING_SLICE = 3;
    private static final int STRING_MAP = 4;
    private static final int IDENTIFIABLE = 5;

    private final MessageDigest digest;

    public IdentityHasher(MessageDigest digest) {
        this.digest = digest;
    }

    public static IdentityHasher sha256() {
        return new IdentityHasher(newSha256());
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    public IdentityHasher int64(long value) {
        digest.update((byte) INT64);
        digest.update((byte) Long.BYTES);
        for (int shift = 56; shift >= 0; shift -= 8) {
            digest.update((byte) (value >>> shift));
        }
        return this;
    }

    public IdentityHasher string(String value) {
        return string(value.getBytes(StandardCharsets.UTF_8));
    }

    public IdentityHasher string(byte[] utf8) {
        digest.update((byte) STRING);
        int64(utf8.length);
        digest.update(utf8);
        return this;
    }

    public IdentityHasher bytes(byte[] value) {
        digest.update((byte) BYTES);
        int64(value.length);
        digest.update(value);
        return this;
    }

    public IdentityHasher stringSlice(List<String> values) {
        digest.update((byte) STRING_SLICE);
        int64(values.size());
        values.forEach(this::string);
        return this;
    }

    public IdentityHasher stringMap(Map<String, String> map) {
        List<byte[][]> pairs = new ArrayList<>(map.size());
        map.forEach((k, v) -> pairs.add(new byte[][] {k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)}));
        return byteStringMap(pairs);
    }

    /** A map given as {key, value} byte pairs (Go strings are bytes, so properties hash as stored). */
    public IdentityHasher byteStringMap(List<byte[][]> pairs) {
        List<byte[][]> sorted = new ArrayList<>(pairs);
        sorted.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        digest.update((byte) STRING_MAP);
        int64(sorted.size());
        for (byte[][] pair : sorted) {
            string(pair[0]);
            string(pair[1]);
        }
        return this;
    }

    /** Something hashed on its own first, embedded by its identity (lakeFS {@code MarshalIdentifiable}). */
    public IdentityHasher identifiable(byte[] identity) {
        digest.update((byte) IDENTIFIABLE);
        return bytes(identity);
    }

    public byte[] digest() {
        return digest.digest();
    }

    public String hexDigest() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
