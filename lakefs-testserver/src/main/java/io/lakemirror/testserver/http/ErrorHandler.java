package io.lakemirror.testserver.http;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.testserver.model.LakeFsError;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers, as lakeFS's {@code handleApiErrorCallback}
 * does: each error kind has one status, the body is {@code {"message": ...}}. Only unexpected
 * failures are logged, as 500.
 */
final class ErrorHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

    static int status(LakeFsError.Kind kind) {
        return switch (kind) {
            case BAD_REQUEST -> 400;
            case UNAUTHENTICATED, INSUFFICIENT_PERMISSIONS -> 401;
            case READ_ONLY, FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case NOT_UNIQUE, CONFLICT -> 409;
            case GONE -> 410;
            case PRECONDITION_FAILED -> 412;
            case TOO_MANY_TRIES -> 429;
            case INTERNAL -> 500;
            case NOT_IMPLEMENTED -> 501;
            case SLOW_DOWN -> 503;
        };
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        Throwable failure = ctx.failure();
        if (failure instanceof LakeFsError e) {
            Responses.error(ctx, status(e.kind()), e.getMessage());
        } else if (failure instanceof InvalidInputException e) {
            // Identifiers checked where they enter (branch, tag, repository names, storage namespaces).
            Responses.error(ctx, 400, e.getMessage());
        } else if (failure instanceof DecodeException e) {
            Responses.error(ctx, 400, "request body has an error: failed to decode request body: " + e.getMessage());
        } else if (failure instanceof HttpException e) {
            Responses.error(ctx, e.getStatusCode(), e.getPayload() == null ? message(e.getStatusCode()) : e.getPayload());
        } else if (failure == null) {
            Responses.error(ctx, ctx.statusCode(), message(ctx.statusCode()));
        } else {
            LOG.error("{} {} failed unexpectedly", ctx.request().method(), ctx.request().path(), failure);
            Responses.error(ctx, 500, String.valueOf(failure.getMessage()));
        }
    }

    static String message(int status) {
        return switch (status) {
            case 404 -> "invalid API endpoint";
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            default -> HttpResponseStatus.valueOf(status).reasonPhrase();
        };
    }
}
