package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.api.Caller;
import io.lakemirror.api.MirrorService;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Vert.x handlers of the mirror routes: each parses the request, runs the service call on a worker
 * thread (lakeFS and database calls block), and writes JSON. Failures go to {@link ApiErrors}.
 */
final class MirrorHandlers {
    private static final String CALLER = "lakemirror.caller";

    private final Authenticator authenticator;
    private final MirrorService service;

    MirrorHandlers(Authenticator authenticator, MirrorService service) {
        this.authenticator = authenticator;
        this.service = service;
    }

    /** Authenticates the HTTP Basic credentials of the request before anything else runs. */
    void authenticate(RoutingContext ctx) {
        Optional<String[]> credentials = basic(ctx.request().getHeader("Authorization"));
        blocking(ctx, () -> authenticator.authenticate(credentials.map(c -> c[0]), credentials.map(c -> new Secret(c[1]))))
                .onSuccess(caller -> {
                    ctx.put(CALLER, caller);
                    ctx.next();
                })
                .onFailure(ctx::fail);
    }

    void create(RoutingContext ctx) {
        JsonObject body = bodyOf(ctx);
        MirrorService.CreateRequest request = new MirrorService.CreateRequest(text(body, "name"), text(body, "region"),
                text(body, "storage_namespace"));
        String repository = ctx.pathParam("repository");
        blocking(ctx, () -> service.create(caller(ctx), repository, request))
                .onSuccess(m -> json(ctx, 201, JsonViews.mirror(m)))
                .onFailure(ctx::fail);
    }

    void list(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        Optional<String> after = Optional.ofNullable(ctx.queryParams().get("after"));
        Optional<Integer> amount;
        try {
            amount = Optional.ofNullable(ctx.queryParams().get("amount")).map(Integer::parseInt);
        } catch (NumberFormatException e) {
            ctx.fail(new InvalidInputException("amount must be an integer"));
            return;
        }
        blocking(ctx, () -> service.list(caller(ctx), repository, after, amount))
                .onSuccess(page -> json(ctx, 200, JsonViews.page(page)))
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        blocking(ctx, () -> service.get(caller(ctx), repository, mirror))
                .onSuccess(m -> json(ctx, 200, JsonViews.mirror(m)))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        blocking(ctx, () -> service.delete(caller(ctx), repository, mirror))
                .onSuccess(m -> json(ctx, 202, JsonViews.mirror(m)))
                .onFailure(ctx::fail);
    }

    private static <T> Future<T> blocking(RoutingContext ctx, Callable<T> call) {
        return ctx.vertx().executeBlocking(call, false);
    }

    private static Caller caller(RoutingContext ctx) {
        return ctx.get(CALLER);
    }

    private static JsonObject bodyOf(RoutingContext ctx) {
        Object body = ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
        if (body == null) {
            throw new InvalidInputException("request body must be a JSON object");
        }
        return (JsonObject) body;
    }

    private static String text(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new InvalidInputException("field " + field + " must be a string");
        }
        return (String) value;
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** The user and password of an HTTP Basic header, if it is one. */
    static Optional<String[]> basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
