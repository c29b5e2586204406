package io.lakemirror.config;

import java.util.regex.Pattern;

/** Hides secrets inside values that must otherwise stay readable, such as connection strings. */
public final class Masking {
    // The authority ends at the first / ? or #, and the user information at its last @ (as Go's URL
    // parser reads it), so a password that contains @ is masked whole.
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*:)([^/?#\\s]*)(@[^@/?#\\s]*)");
    private static final Pattern KEYWORD_PASSWORD = Pattern.compile("(?i)(\\bpassword\\s*=\\s*)('[^']*'|[^\\s&;]*)");

    private Masking() {
    }

    /**
     * {@code postgres://u:p@h/db?password=x} → {@code postgres://u:******@h/db?password=******}; a
     * password with {@code @} in it ({@code postgres://u:p@ss@h/db}) is masked whole.
     */
    public static String maskConnectionString(String connection) {
        String masked = URL_PASSWORD.matcher(connection).replaceAll("$1" + Secret.MASK + "$3");
        return KEYWORD_PASSWORD.matcher(masked).replaceAll("$1" + Secret.MASK);
    }
}
