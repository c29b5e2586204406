package io.lakemirror.domain;

/** A deployment region: one lakeFS installation, one bucket, one commits queue. */
public record Region(String value) implements Comparable<Region> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "region", "^[a-z][a-z0-9-]{1,62}$",
            "must be 2 to 63 characters of lowercase letters, digits and hyphens, starting with a letter (for example us-east-1)");

    public Region {
        RULE.check(value);
    }

    public static Region of(String value) {
        return new Region(value);
    }

    @Override
    public int compareTo(Region other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
