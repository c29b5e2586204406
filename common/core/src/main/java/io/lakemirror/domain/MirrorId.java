package io.lakemirror.domain;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Identifies one mirror (a source repository followed by one mirror repository in one region).
 * Generated IDs sort by creation time: 10 characters of milliseconds then 16 random characters,
 * in lowercase Crockford base32.
 */
public record MirrorId(String value) implements Comparable<MirrorId> {
    public static final IdentifierRule RULE = IdentifierRule.of(
            "mirror id", "^[a-z0-9][a-z0-9-]{0,63}$",
            "must be 1 to 64 lowercase letters, digits or hyphens, starting with a letter or digit");

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    public MirrorId {
        RULE.check(value);
    }

    public static MirrorId of(String value) {
        return new MirrorId(value);
    }

    /** A new, time-ordered, random mirror ID. */
    public static MirrorId generate(Instant now) {
        char[] out = new char[26];
        long millis = now.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(32)];
        }
        return new MirrorId(new String(out));
    }

    @Override
    public int compareTo(MirrorId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
