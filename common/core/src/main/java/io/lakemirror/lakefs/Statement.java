package io.lakemirror.lakefs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One statement of a lakeFS policy.
 *
 * @param effect     allow or deny
 * @param actions    action patterns such as {@code fs:Read*} ({@code *} and {@code ?} wildcards)
 * @param resource   as lakeFS stores it: {@code *}, one ARN pattern, or a JSON array of ARN patterns;
 *                   see {@link #resources()}
 * @param conditions operator ({@code IpAddress}, {@code NotIpAddress}, {@code StringLike},
 *                   {@code StringNotLike}) → field (such as {@code SourceIp}) → values; empty = none
 */
public record Statement(Effect effect, List<String> actions, String resource,
                        Map<String, Map<String, List<String>>> conditions) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a matching statement grants or refuses. */
    public enum Effect {
        ALLOW, DENY;

        /** The lower-case wire form ({@code allow}, {@code deny}). */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Effect fromWire(String value) {
            for (Effect e : values()) {
                if (e.wire().equals(value)) {
                    return e;
                }
            }
            throw new InvalidInputException("statement effect \"" + value + "\" is neither allow nor deny");
        }
    }

    public Statement {
        Objects.requireNonNull(effect, "effect");
        actions = List.copyOf(actions);
        if (actions.isEmpty()) {
            throw new InvalidInputException("a policy statement needs at least one action");
        }
        Objects.requireNonNull(resource, "resource");
        Map<String, Map<String, List<String>>> copy = new LinkedHashMap<>();
        conditions.forEach((op, fields) -> {
            Map<String, List<String>> f = new LinkedHashMap<>();
            fields.forEach((k, v) -> f.put(k, List.copyOf(v)));
            copy.put(op, Collections.unmodifiableMap(f));
        });
        conditions = Collections.unmodifiableMap(copy);
    }

    /** An unconditional statement. */
    public static Statement of(Effect effect, List<String> actions, String resource) {
        return new Statement(effect, actions, resource, Map.of());
    }

    public static Statement allow(String resource, String... actions) {
        return of(Effect.ALLOW, List.of(actions), resource);
    }

    public static Statement deny(String resource, String... actions) {
        return of(Effect.DENY, List.of(actions), resource);
    }

    /** The resource patterns: a JSON array (lakeFS accepts {@code ["arn…","arn…"]}) or the one value. */
    public List<String> resources() {
        String trimmed = resource.strip();
        if (!trimmed.startsWith("[")) {
            return List.of(resource);
        }
        try {
            return List.copyOf(JSON.readValue(trimmed, new TypeReference<List<String>>() { }));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("policy resource " + resource
                    + " starts with '[' but is not a JSON array of strings: " + e.getOriginalMessage());
        }
    }
}
