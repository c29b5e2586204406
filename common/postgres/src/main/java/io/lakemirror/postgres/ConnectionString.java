package io.lakemirror.postgres;

import io.lakemirror.config.Masking;
import io.lakemirror.domain.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL connection string as lakeFS takes it ({@code postgres://user:password@host:5432/db?sslmode=disable},
 * also {@code postgresql://}), turned into what pgjdbc takes: a JDBC URL without credentials, and the
 * user and password apart. A {@code jdbc:postgresql://} URL is taken as it is.
 *
 * <p>Like Go's URL parser (which lakeFS uses), the authority ends at the first {@code /}, {@code ?}
 * or {@code #}, and the user information ends at its last {@code @}: a password may contain
 * {@code @} and {@code :}; {@code /}, {@code ?} and {@code #} must be percent-encoded.
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/db?params}, without user and password
 * @param user     empty: pgjdbc's default (the OS user) or the URL's {@code user} parameter
 * @param password empty: none, or the URL's {@code password} parameter
 * @param masked   the original string with its password masked, for messages
 */
public record ConnectionString(String jdbcUrl, Optional<String> user, Optional<String> password, String masked) {

    public ConnectionString {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(masked, "masked");
    }

    /**
     * Parses a connection string.
     *
     * @throws InvalidInputException naming what is wrong, never showing the password
     */
    public static ConnectionString parse(String connection) {
        String masked = Masking.maskConnectionString(connection.trim());
        String s = connection.trim();
        if (s.startsWith("jdbc:postgresql:")) {
            return new ConnectionString(s, Optional.empty(), Optional.empty(), masked);
        }
        String rest;
        if (s.startsWith("postgres://")) {
            rest = s.substring("postgres://".length());
        } else if (s.startsWith("postgresql://")) {
            rest = s.substring("postgresql://".length());
        } else {
            throw new InvalidInputException("PostgreSQL connection string " + masked + " is not a URL: write it as"
                    + " postgres://user:password@host:5432/database (or jdbc:postgresql://...)");
        }
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        String tail = rest.substring(end);
        int at = authority.lastIndexOf('@');
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String hosts = authority;
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            hosts = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String u = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            if (!u.isEmpty()) {
                user = Optional.of(decode(u, masked));
            }
            if (colon >= 0) {
                password = Optional.of(decode(userInfo.substring(colon + 1), masked));
            }
        }
        if (hosts.isEmpty()) {
            hosts = "localhost";
        }
        if (tail.startsWith("#")) {
            tail = "";
        }
        return new ConnectionString("jdbc:postgresql://" + hosts + (tail.isEmpty() ? "/" : tail), user, password, masked);
    }

    /** Percent-decoding of URL user information ({@code +} stays a plus). */
    private static String decode(String s, String masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new InvalidInputException("PostgreSQL connection string " + masked + " has a bad percent-escape"
                            + " in its user information: write % as %25");
                }
                try {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("PostgreSQL connection string " + masked + " has a bad percent-escape"
                            + " in its user information: write % as %25", e);
                }
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return masked;
    }
}
