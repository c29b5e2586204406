package io.lakemirror.domain;

import java.util.regex.Pattern;

/**
 * A validation rule for one kind of identifier: a pattern plus the sentence shown to whoever broke
 * it. Identifiers are checked once, where input enters (API, messages, configuration).
 */
public record IdentifierRule(String kind, Pattern pattern, String explanation) {

    public static IdentifierRule of(String kind, String regex, String explanation) {
        return new IdentifierRule(kind, Pattern.compile(regex), explanation);
    }

    /** Returns {@code value} when it satisfies the rule; otherwise throws a message naming the rule. */
    public String check(String value) {
        if (value == null) {
            throw new InvalidIdentifierException(kind + " is missing: it " + explanation);
        }
        if (!pattern.matcher(value).matches()) {
            throw new InvalidIdentifierException(
                    "invalid " + kind + " \"" + printable(value) + "\": it " + explanation
                            + " (pattern " + pattern.pattern() + ")");
        }
        return value;
    }

    public boolean accepts(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    private static String printable(String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        StringBuilder out = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
