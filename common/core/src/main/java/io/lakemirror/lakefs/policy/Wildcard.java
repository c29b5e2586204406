package io.lakemirror.lakefs.policy;

/**
 * lakeFS's wildcard matching for policy actions and ARN resource parts: {@code *} matches any run of
 * characters, {@code /} included, {@code ?} exactly one character; nothing else is special.
 */
public final class Wildcard {
    private Wildcard() {
    }

    /** Whether {@code value} matches {@code pattern} as a whole. */
    public static boolean matches(String pattern, String value) {
        int[] p = pattern.codePoints().toArray();
        int[] v = value.codePoints().toArray();
        int pi = 0;
        int vi = 0;
        int star = -1;
        int resume = 0;
        while (vi < v.length) {
            if (pi < p.length && (p[pi] == '?' || (p[pi] != '*' && p[pi] == v[vi]))) {
                pi++;
                vi++;
            } else if (pi < p.length && p[pi] == '*') {
                star = pi++;
                resume = vi;
            } else if (star >= 0) {
                // Let the last star swallow one more character and retry from there.
                pi = star + 1;
                vi = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }
}
