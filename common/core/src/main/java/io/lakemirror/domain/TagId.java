package io.lakemirror.domain;

/** A lakeFS tag name. */
public record TagId(String value) implements Comparable<TagId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "tag id", "^\\w[-\\w.]*$",
            "must start with a letter, digit or underscore, followed by letters, digits, underscores, dots or hyphens");

    public TagId {
        RULE.check(value);
    }

    public static TagId of(String value) {
        return new TagId(value);
    }

    @Override
    public int compareTo(TagId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
