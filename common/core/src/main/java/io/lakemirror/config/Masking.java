package io.lakemirror.config;

import java.util.regex.Pattern;

/** Hides secrets inside values that must otherwise stay readable, such as connection strings. */
public final class Masking {
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*:)([^@\\s]*)(@)");
    private static final Pattern KEYWORD_PASSWORD = Pattern.compile("(?i)(\\bpassword\\s*=\\s*)('[^']*'|[^\\s&;]*)");

    private Masking() {
    }

    /** {@code postgres://u:p@h/db?password=x} → {@code postgres://u:******@h/db?password=******}. */
    public static String maskConnectionString(String connection) {
        String masked = URL_PASSWORD.matcher(connection).replaceAll("$1" + Secret.MASK + "$3");
        return KEYWORD_PASSWORD.matcher(masked).replaceAll("$1" + Secret.MASK);
    }
}
