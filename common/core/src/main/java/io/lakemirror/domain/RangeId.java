package io.lakemirror.domain;

/** A range ID, which is also its file name under {@code <namespace>/_lakefs/}. */
public record RangeId(String value) implements Comparable<RangeId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "range id", "^[0-9a-f]{64}$",
            "must be 64 lowercase hexadecimal characters (the digest of a range file)");

    public RangeId {
        RULE.check(value);
    }

    public static RangeId of(String value) {
        return new RangeId(value);
    }

    /** The object key of this range relative to its storage namespace. */
    public String relativeKey() {
        return MetadataFiles.PREFIX + value;
    }

    @Override
    public int compareTo(RangeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
