package io.lakemirror.domain;

/** A lakeFS commit ID: the hex SHA-256 of the commit's identity fields. */
public record CommitId(String value) implements Comparable<CommitId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "commit id", "^[0-9a-f]{64}$",
            "must be 64 lowercase hexadecimal characters (a lakeFS commit digest)");

    public CommitId {
        RULE.check(value);
    }

    public static CommitId of(String value) {
        return new CommitId(value);
    }

    public Ref asRef() {
        return new Ref(value);
    }

    @Override
    public int compareTo(CommitId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
