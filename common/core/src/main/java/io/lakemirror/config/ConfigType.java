package io.lakemirror.config;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The type of a configuration value: how to parse it from YAML or an environment variable, how to
 * print it back, and how the configuration reference describes it.
 *
 * <p>Raw values are strings, except for map types, which take a YAML mapping or, from the
 * environment, {@code key=value} pairs separated by commas.
 *
 * @param <T> the parsed Java type
 */
public final class ConfigType<T> {
    private final String description;
    private final boolean map;
    private final Function<Object, T> parser;
    private final Function<T, Object> printer;
    private final Function<T, Object> redactedPrinter;

    private ConfigType(String description, boolean map, Function<Object, T> parser, Function<T, Object> printer) {
        this(description, map, parser, printer, v -> Secret.MASK);
    }

    private ConfigType(String description, boolean map, Function<Object, T> parser, Function<T, Object> printer,
                       Function<T, Object> redactedPrinter) {
        this.description = description;
        this.map = map;
        this.parser = parser;
        this.printer = printer;
        this.redactedPrinter = redactedPrinter;
    }

    /** The type as the configuration reference shows it. */
    public String description() {
        return description;
    }

    /** Whether the value is a mapping whose sub-keys are data, not further configuration keys. */
    public boolean isMap() {
        return map;
    }

    /** @throws IllegalArgumentException with a message that states what is accepted */
    public T parse(Object raw) {
        return parser.apply(raw);
    }

    /** The value as plain YAML data (strings, numbers, booleans, maps). */
    @SuppressWarnings("unchecked")
    public Object print(Object value) {
        return printer.apply((T) value);
    }

    /** The value of a secret key as it may be shown: {@value Secret#MASK}, or the value with its secret part hidden. */
    @SuppressWarnings("unchecked")
    public Object printRedacted(Object value) {
        return redactedPrinter.apply((T) value);
    }

    public static ConfigType<String> string() {
        return scalar("string", s -> s, s -> s);
    }

    public static ConfigType<String> nonEmptyString() {
        return scalar("string", s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return s;
        }, s -> s);
    }

    public static ConfigType<Secret> secret() {
        return scalar("string", s -> {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return new Secret(s);
        }, Secret::reveal);
    }

    /**
     * A connection string that may carry a password; the password is masked when printed.
     */
    public static ConfigType<Secret> connectionString() {
        ConfigType<Secret> plain = scalar("connection string", s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return new Secret(s);
        }, Secret::reveal);
        return new ConfigType<>(plain.description, false, plain.parser, plain.printer,
                s -> Masking.maskConnectionString(s.reveal()));
    }

    public static ConfigType<Boolean> bool() {
        return scalar("boolean", s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("\"" + s + "\" is not a boolean: use true or false");
        }, b -> b);
    }

    public static ConfigType<Integer> intRange(int min, int max) {
        return scalar("integer " + min + ".." + max, s -> {
            int n;
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + s + "\" is not an integer", e);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(n + " is out of range: must be between " + min + " and " + max);
            }
            return n;
        }, n -> n);
    }

    /** A strictly positive duration such as {@code 500ms}, {@code 20s}, {@code 1m}. */
    public static ConfigType<Duration> duration() {
        return scalar("duration", s -> {
            Duration d = Durations.parse(s);
            if (d.isZero()) {
                throw new IllegalArgumentException("must be longer than zero");
            }
            return d;
        }, Durations::format);
    }

    public static ConfigType<URI> httpUrl() {
        return scalar("URL", ConfigType::parseHttpUrl, URI::toString);
    }

    public static ConfigType<Region> region() {
        return scalar("region", s -> checked(() -> Region.of(s)), Region::value);
    }

    /** One of a fixed set of lowercase words; input is case-insensitive. */
    public static ConfigType<String> oneOf(String... choices) {
        List<String> allowed = Arrays.asList(choices);
        return scalar("one of " + String.join(", ", allowed), s -> {
            String v = s.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException("\"" + s + "\" is not allowed: use one of " + String.join(", ", allowed));
            }
            return v;
        }, s -> s);
    }

    public static ConfigType<OrganizationId> organizationId() {
        return scalar("organization id", s -> checked(() -> OrganizationId.of(s)), OrganizationId::value);
    }

    /** A log level, case-insensitive, printed in upper case. */
    public static ConfigType<String> logLevel() {
        List<String> levels = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
        return scalar("one of " + String.join(", ", levels), s -> {
            String v = s.toUpperCase(Locale.ROOT);
            if (!levels.contains(v)) {
                throw new IllegalArgumentException("\"" + s + "\" is not a log level: use one of " + String.join(", ", levels));
            }
            return v;
        }, s -> s);
    }

    /** A {@code host:port} listen address. */
    public static ConfigType<ListenAddress> listenAddress() {
        return scalar("host:port", ListenAddress::parse, ListenAddress::toString);
    }

    /** A mapping from region to URL, for example {@code dst_endpoints}. */
    public static ConfigType<Map<Region, URI>> regionToUrl() {
        return mapOf("mapping region → URL", ConfigType::parseHttpUrl, URI::toString);
    }

    /** A mapping from region to free text (queue URLs, names). */
    public static ConfigType<Map<Region, String>> regionToString() {
        return mapOf("mapping region → string", s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return s;
        }, s -> s);
    }

    private static <V> ConfigType<Map<Region, V>> mapOf(String description, Function<String, V> valueParser,
                                                       Function<V, Object> valuePrinter) {
        return new ConfigType<>(description, true, raw -> {
            Map<String, String> entries = raw instanceof Map<?, ?> m ? stringMap(m) : parsePairs(String.valueOf(raw));
            Map<Region, V> out = new TreeMap<>();
            for (Map.Entry<String, String> e : entries.entrySet()) {
                Region region;
                try {
                    region = Region.of(e.getKey());
                } catch (InvalidInputException ex) {
                    throw new IllegalArgumentException(ex.getMessage(), ex);
                }
                try {
                    out.put(region, valueParser.apply(e.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("entry " + e.getKey() + ": " + ex.getMessage(), ex);
                }
            }
            return out;
        }, m -> {
            Map<String, Object> printed = new LinkedHashMap<>();
            m.forEach((k, v) -> printed.put(k.value(), valuePrinter.apply(v)));
            return printed;
        });
    }

    private static Map<String, String> stringMap(Map<?, ?> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v == null || v instanceof Map || v instanceof List) {
                throw new IllegalArgumentException("entry " + k + " must be a single value");
            }
            out.put(String.valueOf(k), String.valueOf(v));
        });
        return out;
    }

    private static Map<String, String> parsePairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("\"" + pair.trim() + "\" is not a key=value pair"
                        + " (from the environment, write region=value pairs separated by commas)");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    private static URI parseHttpUrl(String s) {
        try {
            URI uri = new URI(s.trim());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("\"" + s + "\" is not an http(s) URL with a host, for example"
                        + " https://lakefs.example.com");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not a URL: " + e.getReason(), e);
        }
    }

    private static <T> T checked(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static <T> ConfigType<T> scalar(String description, Function<String, T> parser, Function<T, Object> printer) {
        return new ConfigType<>(description, false, raw -> {
            if (raw instanceof Map<?, ?> || raw instanceof List<?>) {
                throw new IllegalArgumentException("must be a single value, not a " + (raw instanceof Map ? "mapping" : "list"));
            }
            return parser.apply(String.valueOf(raw));
        }, printer);
    }

    @Override
    public String toString() {
        return description;
    }
}
