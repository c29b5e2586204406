package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.api.Caller;
import io.lakemirror.api.MirrorService;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.ReplicationException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Vert.x handlers of the mirror routes: each parses the request, runs the service call on a worker
 * thread (lakeFS and database calls block), and writes JSON. Failures go to {@link ApiErrors}.
 *
 * <p>Authentication runs on its own bounded pool, so a flood of bad keys cannot take the threads of
 * authenticated work, and failed authentications are limited per client address and access key
 * ({@link AuthFailureLimiter}). Only the caller's own keys being rejected is a 401; an authenticator
 * that cannot answer (lakeFS or the auth service down or slow) is a 503.
 */
final class MirrorHandlers {
    private static final String CALLER = "lakemirror.caller";

    private final Authenticator authenticator;
    private final MirrorService service;
    private final AuthFailureLimiter limiter;
    private final WorkerExecutor authWorkers;
    private final WorkerExecutor workers;

    MirrorHandlers(Authenticator authenticator, MirrorService service, AuthFailureLimiter limiter,
                   WorkerExecutor authWorkers, WorkerExecutor workers) {
        this.authenticator = authenticator;
        this.service = service;
        this.limiter = limiter;
        this.authWorkers = authWorkers;
        this.workers = workers;
    }

    /** Authenticates the HTTP Basic credentials of the request before anything else runs. */
    void authenticate(RoutingContext ctx) {
        Optional<String[]> credentials = basic(ctx.request().getHeader("Authorization"));
        Optional<String> accessKey = credentials.map(c -> c[0]).filter(k -> !k.isEmpty());
        String address = clientAddress(ctx);
        Optional<AuthFailureLimiter.Refusal> refused = limiter.refusal(address, accessKey);
        if (refused.isPresent()) {
            ctx.fail(new HttpRefusal(429, refused.get().reason() + "; retry in " + refused.get().retryAfterSeconds() + " s",
                    Map.of("Retry-After", Long.toString(refused.get().retryAfterSeconds())), null));
            return;
        }
        authWorkers.executeBlocking(() -> authenticator.authenticate(credentials.map(c -> c[0]),
                        credentials.map(c -> new Secret(c[1]))), false)
                .onSuccess(caller -> {
                    ctx.put(CALLER, caller);
                    ctx.next();
                })
                .onFailure(failure -> {
                    if (isCallerRejected(failure)) {
                        if (accessKey.isPresent()) {
                            limiter.recordFailure(address, accessKey);
                        }
                        ctx.fail(new HttpRefusal(401, Authenticator.UNAUTHENTICATED));
                    } else if (failure instanceof ReplicationException) {
                        ctx.fail(new HttpRefusal(503, "cannot check credentials now: lakeFS or its auth service did not"
                                + " answer; retry later", Map.of(), failure));
                    } else {
                        ctx.fail(failure);
                    }
                });
    }

    /**
     * The authenticator's refusal of the caller's keys: lakeFS's message and no cause. An
     * {@code AuthenticationException} with a cause is an adapter's translation of a backend refusing
     * the service's own credentials.
     */
    private static boolean isCallerRejected(Throwable failure) {
        return failure instanceof AuthenticationException
                && (Authenticator.UNAUTHENTICATED.equals(failure.getMessage()) || failure.getCause() == null);
    }

    /** The client's address: the connection's, or the proxy-reported one when the router trusts forwarded headers. */
    private static String clientAddress(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress() == null ? remote.host() : remote.hostAddress();
    }

    void create(RoutingContext ctx) {
        JsonObject body = bodyOf(ctx);
        MirrorService.CreateRequest request = new MirrorService.CreateRequest(text(body, "name"), text(body, "region"),
                text(body, "storage_namespace"), bool(body, "mirror_tags"));
        String repository = ctx.pathParam("repository");
        blocking(() -> service.create(caller(ctx), repository, request))
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
        blocking(() -> service.list(caller(ctx), repository, after, amount))
                .onSuccess(page -> json(ctx, 200, JsonViews.page(page)))
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        blocking(() -> service.get(caller(ctx), repository, mirror))
                .onSuccess(m -> json(ctx, 200, JsonViews.mirror(m)))
                .onFailure(ctx::fail);
    }

    void update(RoutingContext ctx) {
        JsonObject body = bodyOf(ctx);
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        Boolean mirrorTags = bool(body, "mirror_tags");
        blocking(() -> service.update(caller(ctx), repository, mirror, mirrorTags))
                .onSuccess(m -> json(ctx, 200, JsonViews.mirror(m)))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        blocking(() -> service.delete(caller(ctx), repository, mirror))
                .onSuccess(m -> json(ctx, 202, JsonViews.mirror(m)))
                .onFailure(ctx::fail);
    }

    private <T> Future<T> blocking(Callable<T> call) {
        return workers.executeBlocking(call, false);
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

    private static Boolean bool(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof Boolean)) {
            throw new InvalidInputException("field " + field + " must be true or false");
        }
        return (Boolean) value;
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            // The request timed out and was answered 503 meanwhile; the work itself is done.
            return;
        }
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
