package io.lakemirror.domain;

/** A lakeFS branch name, with lakeFS's own rule. */
public record BranchId(String value) implements Comparable<BranchId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "branch id", "^\\w[-\\w]*$",
            "must start with a letter, digit or underscore, followed by letters, digits, underscores or hyphens");

    public BranchId {
        RULE.check(value);
    }

    public static BranchId of(String value) {
        return new BranchId(value);
    }

    /** The branch as a ref, for calls that accept any ref. */
    public Ref asRef() {
        return new Ref(value);
    }

    @Override
    public int compareTo(BranchId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
