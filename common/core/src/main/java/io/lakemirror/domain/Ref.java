package io.lakemirror.domain;

/** Any lakeFS ref: a branch, a tag, a commit ID or a ref expression such as {@code main~2}. */
public record Ref(String value) implements Comparable<Ref> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "ref", "^[^\\s]+$",
            "must be a non-empty string without whitespace (a branch, tag, commit ID or expression)");

    public Ref {
        RULE.check(value);
    }

    public static Ref of(String value) {
        return new Ref(value);
    }

    @Override
    public int compareTo(Ref other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
