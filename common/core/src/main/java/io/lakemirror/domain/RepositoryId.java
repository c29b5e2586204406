package io.lakemirror.domain;

/** A lakeFS repository name, with lakeFS's own rule. */
public record RepositoryId(String value) implements Comparable<RepositoryId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "repository id", "^[a-z0-9][a-z0-9-]{2,62}$",
            "must be 3 to 63 characters of lowercase letters, digits and hyphens, starting with a letter or digit");

    public RepositoryId {
        RULE.check(value);
    }

    public static RepositoryId of(String value) {
        return new RepositoryId(value);
    }

    @Override
    public int compareTo(RepositoryId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
