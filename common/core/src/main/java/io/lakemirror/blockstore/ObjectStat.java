package io.lakemirror.blockstore;

import java.util.Objects;
import java.util.Optional;

/**
 * What a store tells about one object without reading it.
 *
 * @param size bytes
 * @param eTag the object's ETag without the quotes S3 puts around it; empty when the store does not report one
 */
public record ObjectStat(long size, Optional<String> eTag) {
    public ObjectStat {
        Objects.requireNonNull(eTag, "eTag");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        eTag = eTag.map(ObjectStat::unquote);
    }

    /** An ETag as S3 sends it ({@code "abc"}) or as lakeFS stores it ({@code abc}), without quotes. */
    public static String unquote(String eTag) {
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
