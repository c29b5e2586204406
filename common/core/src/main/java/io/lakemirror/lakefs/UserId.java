package io.lakemirror.lakefs;

import io.lakemirror.domain.IdentifierRule;

/** A lakeFS user name (what {@code ${user}} stands for in policies). */
public record UserId(String value) implements Comparable<UserId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "user id", "^[^\\s/]{1,1024}$",
            "must be 1 to 1024 characters without whitespace or '/'");

    public UserId {
        RULE.check(value);
    }

    public static UserId of(String value) {
        return new UserId(value);
    }

    @Override
    public int compareTo(UserId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
