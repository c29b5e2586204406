package io.lakemirror.testserver.http;

import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.model.LakeFsError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading requests as lakeFS's OpenAPI validator would: a parameter or body field of the wrong
 * type, or a missing required one, is a 400 with a message in the validator's words.
 */
final class Requests {
    static final String USER = "lakefs.user";
    private static final int DEFAULT_AMOUNT = 100;
    static final int MAX_AMOUNT = 1000;

    private Requests() {
    }

    static Optional<AuthStore.UserRecord> user(RoutingContext ctx) {
        Optional<AuthStore.UserRecord> user = ctx.get(USER);
        return user == null ? Optional.empty() : user;
    }

    /** The client address lakeFS uses for {@code IpAddress} conditions. */
    static String sourceIp(RoutingContext ctx) {
        String forwarded = ctx.request().getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].strip();
        }
        String real = ctx.request().getHeader("X-Real-IP");
        if (real != null && !real.isBlank()) {
            return real.strip();
        }
        return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    }

    static String path(RoutingContext ctx, String name) {
        return ctx.pathParam(name);
    }

    static Optional<String> query(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    static String query(RoutingContext ctx, String name, String fallback) {
        return query(ctx, name).orElse(fallback);
    }

    static String requiredQuery(RoutingContext ctx, String name) {
        return query(ctx, name).orElseThrow(() -> queryError(name, "value is required but missing"));
    }

    static boolean bool(RoutingContext ctx, String name, boolean fallback) {
        Optional<String> v = query(ctx, name);
        if (v.isEmpty() || v.get().isEmpty()) {
            return fallback;
        }
        return switch (v.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw queryError(name, "value " + v.get() + ": an invalid boolean: invalid syntax");
        };
    }

    /** lakeFS's page size: missing or ≤ 0 means 100; above 1000 or below -1 is refused. */
    static int amount(RoutingContext ctx) {
        Optional<String> v = query(ctx, "amount");
        if (v.isEmpty() || v.get().isEmpty()) {
            return DEFAULT_AMOUNT;
        }
        int amount;
        try {
            amount = Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw queryError("amount", "value " + v.get() + ": an invalid integer: invalid syntax");
        }
        if (amount > MAX_AMOUNT) {
            throw queryError("amount", "number must be at most " + MAX_AMOUNT);
        }
        if (amount < -1) {
            throw queryError("amount", "number must be at least -1");
        }
        return amount <= 0 ? DEFAULT_AMOUNT : amount;
    }

    private static LakeFsError queryError(String name, String problem) {
        return LakeFsError.badRequest("parameter \"" + name + "\" in query has an error: " + problem);
    }

    /** The JSON body, required. */
    static JsonObject body(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().length() == 0) {
            throw bodyError("value is required but missing");
        }
        try {
            JsonObject json = ctx.body().asJsonObject();
            if (json == null) {
                throw bodyError("value is required but missing");
            }
            return json;
        } catch (DecodeException | ClassCastException e) {
            throw bodyError("failed to decode request body: " + e.getMessage());
        }
    }

    static String requiredString(JsonObject body, String field) {
        return optionalString(body, field).orElseThrow(() -> missing(field));
    }

    static Optional<String> optionalString(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw wrongType(field, "string");
        }
        return Optional.of(s);
    }

    static boolean optionalBool(JsonObject body, String field, boolean fallback) {
        Object v = body.getValue(field);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(field, "boolean");
        }
        return b;
    }

    static Optional<Long> optionalLong(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw wrongType(field, "integer");
        }
        return Optional.of(n.longValue());
    }

    static long requiredLong(JsonObject body, String field) {
        return optionalLong(body, field).orElseThrow(() -> missing(field));
    }

    static List<String> stringList(JsonObject body, String field, boolean required) {
        Object v = body.getValue(field);
        if (v == null) {
            if (required) {
                throw missing(field);
            }
            return List.of();
        }
        if (!(v instanceof JsonArray array)) {
            throw wrongType(field, "array");
        }
        List<String> out = new ArrayList<>(array.size());
        for (Object item : array) {
            if (!(item instanceof String s)) {
                throw bodyError("doesn't match schema: items of \"" + field + "\" must be strings");
            }
            out.add(s);
        }
        return out;
    }

    static Map<String, String> stringMap(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof JsonObject object)) {
            throw wrongType(field, "object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : object.fieldNames()) {
            if (!(object.getValue(key) instanceof String s)) {
                throw bodyError("doesn't match schema: values of \"" + field + "\" must be strings");
            }
            out.put(key, s);
        }
        return out;
    }

    static LakeFsError missing(String field) {
        return bodyError("doesn't match schema: property \"" + field + "\" is missing");
    }

    private static LakeFsError wrongType(String field, String type) {
        return bodyError("doesn't match schema: field \"" + field + "\" must be " + type);
    }

    static LakeFsError bodyError(String problem) {
        return LakeFsError.badRequest("request body has an error: " + problem);
    }
}
