package io.lakemirror.domain;

/** The organization that owns the mirrors; part of every mirrors-database key, identical in every region. */
public record OrganizationId(String value) implements Comparable<OrganizationId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "organization id", "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
            "must be 1 to 128 letters, digits, dots, underscores or hyphens, starting with a letter or digit");

    public OrganizationId {
        RULE.check(value);
    }

    public static OrganizationId of(String value) {
        return new OrganizationId(value);
    }

    @Override
    public int compareTo(OrganizationId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
