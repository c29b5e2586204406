package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: a status and a lakeFS-shaped
 * {@code {"message": ...}}. Only unexpected failures are logged as errors; their details never
 * reach the caller.
 */
final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    private static final Map<Integer, String> STATUS_MESSAGES = Map.of(
            400, "bad request",
            401, Authenticator.UNAUTHENTICATED,
            404, "invalid API endpoint",
            405, "method not allowed",
            413, "request body too large",
            415, "unsupported content type: send application/json");

    private ApiErrors() {
    }

    /** Failure handler for every route. */
    static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = failure == null ? ctx.statusCode() : statusOf(failure);
        String message = failure == null || status == 500 ? null : messageOf(failure);
        if (status == 500) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
            message = "internal error; the replication service logged the details";
        } else if (status >= 500) {
            LOG.warn("{} {} answered {}: {}", ctx.request().method(), ctx.request().path(), status, message);
        } else {
            LOG.debug("{} {} answered {}: {}", ctx.request().method(), ctx.request().path(), status, message);
        }
        if (message == null || message.isBlank()) {
            message = STATUS_MESSAGES.getOrDefault(status, "request failed");
        }
        send(ctx, status, message);
    }

    static void send(RoutingContext ctx, int status, String message) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(new JsonObject().put("message", message).encode());
    }

    static int statusOf(Throwable failure) {
        if (failure instanceof ValidatorException || failure instanceof JsonSchemaValidationException
                || failure instanceof InvalidInputException || failure instanceof io.vertx.core.json.DecodeException) {
            return 400;
        }
        if (failure instanceof AuthenticationException) {
            return 401;
        }
        if (failure instanceof AuthorizationException || failure instanceof ReadOnlyRepositoryException) {
            return 403;
        }
        if (failure instanceof NotFoundException) {
            return 404;
        }
        if (failure instanceof AlreadyExistsException || failure instanceof StaleWriteException) {
            return 409;
        }
        if (failure instanceof NotImplementedException) {
            return 501;
        }
        if (failure instanceof RetryableException) {
            return 503;
        }
        if (failure instanceof HttpException http) {
            return http.getStatusCode();
        }
        return 500;
    }

    private static String messageOf(Throwable failure) {
        if (failure instanceof ValidatorException v && v.getCause() instanceof JsonSchemaValidationException s) {
            return v.getMessage() + ": " + s.getMessage() + (s.location() == null || s.location().isEmpty() ? "" : " at " + s.location());
        }
        if (failure instanceof HttpException http) {
            return http.getPayload() != null ? http.getPayload() : STATUS_MESSAGES.get(http.getStatusCode());
        }
        if (failure instanceof RetryableException) {
            return failure.getMessage() + (failure.getMessage().contains("retry") ? "" : "; retry later");
        }
        return failure.getMessage();
    }
}
