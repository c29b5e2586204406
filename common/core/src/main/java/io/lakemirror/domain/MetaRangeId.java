package io.lakemirror.domain;

/** A metarange ID, which is also its file name under {@code <namespace>/_lakefs/}. */
public record MetaRangeId(String value) implements Comparable<MetaRangeId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "metarange id", "^[0-9a-f]{64}$",
            "must be 64 lowercase hexadecimal characters (the digest of a metarange file)");

    public MetaRangeId {
        RULE.check(value);
    }

    public static MetaRangeId of(String value) {
        return new MetaRangeId(value);
    }

    /** The object key of this metarange relative to its storage namespace. */
    public String relativeKey() {
        return MetadataFiles.PREFIX + value;
    }

    @Override
    public int compareTo(MetaRangeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
