package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: a status and a lakeFS-shaped
 * {@code {"message": ..., "correlation_id": ...}}, the same ID in {@value #CORRELATION_HEADER}.
 *
 * <p>What the caller sees never holds an internal URL, table or queue name, AWS ARN or AWS request
 * ID: failures of the service's backends (lakeFS with the replication user's keys, DynamoDB, SQS, S3,
 * PostgreSQL) answer a fixed sentence, 503 when an operator or time can fix them; lakeFS's own
 * refusals keep lakeFS's message only; and every message is scrubbed once more before it leaves.
 * The full failure is logged with the correlation ID, so an operator finds it from what the caller
 * quotes. A failure of the service's own credentials (lakeFS or AWS) is a 503, never a 401: only
 * {@link MirrorHandlers} answers 401, for the caller's own keys.
 */
final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    static final String CORRELATION_HEADER = "X-Correlation-ID";
    static final String CORRELATION_FIELD = "correlation_id";

    static final String BACKEND_UNAVAILABLE = "a backend of the replication service is unavailable; retry later";
    static final String BACKEND_CREDENTIALS = "the replication service's own credentials for lakeFS or AWS were"
            + " refused; an operator must fix them (quote the correlation ID); retry later";
    static final String BACKEND_PERMISSIONS = "the replication service is not allowed to use one of its backends;"
            + " an operator must fix its permissions (quote the correlation ID); retry later";
    static final String BACKEND_MISSING = "a backend resource of the replication service is missing; an operator"
            + " must fix it (quote the correlation ID); retry later";
    static final String CONFLICT = "the mirror changed at the same time; read it again and retry";
    static final String INTERNAL = "internal error; the replication service logged the details under the correlation ID";
    static final String TIMED_OUT = "the request took longer than the API allows (api.request_timeout); retry later";

    private static final Map<Integer, String> STATUS_MESSAGES = Map.of(
            400, "bad request",
            401, Authenticator.UNAUTHENTICATED,
            404, "invalid API endpoint",
            405, "method not allowed",
            413, "request body too large",
            415, "unsupported content type: send application/json",
            429, "too many requests; retry later",
            503, BACKEND_UNAVAILABLE);

    private static final Pattern LAKEFS_MESSAGE = Pattern.compile("failed with HTTP \\d{3}: (.*?)(?:; not retried.*|; check the access key id.*)?$",
            Pattern.DOTALL);
    private static final Pattern LAKEFS_ADAPTER = Pattern.compile("^lakeFS \\S+ \\w+\\(.*\\) failed with HTTP \\d{3}: ",
            Pattern.DOTALL);
    private static final Pattern HTTP_URL = Pattern.compile("(?i)\\bhttps?://[^\\s\"'<>,;)]+");
    private static final Pattern AWS_ARN = Pattern.compile("\\barn:aws[a-zA-Z-]*:[^\\s\"'<>,;)]*");
    private static final Pattern AWS_REQUEST_ID = Pattern.compile(
            "(?i)\\b(request[ _-]?id|x-amz-request-id|x-amz-id-2|extended request id)\\s*[:=]?\\s*[A-Za-z0-9+/=_-]{6,}");
    private static final Pattern SDK_REQUEST = Pattern.compile("(?i)(\\(HTTP \\d{3}), request [^)\\s]+");

    /** Where a failure came from: the service's own decision, lakeFS's answer, or another backend. */
    enum Origin { SERVICE, LAKEFS, BACKEND }

    /** What the caller gets. */
    record Answer(int status, String message, Map<String, String> headers) {
    }

    private final List<Pattern> internalNames;

    /**
     * @param internalNames names that must never reach a caller although a message may hold them:
     *                      tables, queues, lakeFS hosts (shorter than 3 characters are ignored)
     */
    ApiErrors(Collection<String> internalNames) {
        this.internalNames = internalNames.stream().filter(n -> n != null && n.length() >= 3).distinct()
                .map(n -> Pattern.compile("(?<![A-Za-z0-9_.-])" + Pattern.quote(n) + "(?![A-Za-z0-9_-])"))
                .toList();
    }

    /** Failure handler for every route. */
    void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        Answer answer = answer(failure, ctx.statusCode());
        String id = UUID.randomUUID().toString();
        String where = ctx.request().method() + " " + ctx.request().path();
        if (answer.status() == 500) {
            LOG.error("{} failed, correlation ID {}", where, id, failure);
        } else if (answer.status() >= 500) {
            LOG.warn("{} answered {}, correlation ID {}: {}", where, answer.status(), id, describe(failure, answer));
        } else if (origin(failure) != Origin.SERVICE) {
            LOG.info("{} answered {}, correlation ID {}: {}", where, answer.status(), id, describe(failure, answer));
        } else {
            LOG.debug("{} answered {}, correlation ID {}: {}", where, answer.status(), id, describe(failure, answer));
        }
        send(ctx, answer, id);
    }

    /** The answer to a path nobody serves. */
    void notFound(RoutingContext ctx) {
        send(ctx, new Answer(404, STATUS_MESSAGES.get(404), Map.of()), UUID.randomUUID().toString());
    }

    /** The failure with its causes, for the log only. */
    private static String describe(Throwable failure, Answer answer) {
        if (failure == null) {
            return answer.message();
        }
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 4; t = t.getCause(), depth++) {
            out.append(depth == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    private void send(RoutingContext ctx, Answer answer, String correlationId) {
        if (ctx.response().ended() || ctx.response().closed()) {
            // A request timeout answered first; the late outcome is only logged.
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        ctx.response().setStatusCode(answer.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(CORRELATION_HEADER, correlationId);
        answer.headers().forEach(ctx.response()::putHeader);
        ctx.response().end(new JsonObject().put("message", scrub(answer.message())).put(CORRELATION_FIELD, correlationId)
                .encode());
    }

    /** The status and caller-facing message of a failure ({@code statusWhenNone} when there is none). */
    Answer answer(Throwable failure, int statusWhenNone) {
        if (failure == null) {
            int status = statusWhenNone < 400 ? 500 : statusWhenNone;
            return new Answer(status, status == 503 ? TIMED_OUT : STATUS_MESSAGES.getOrDefault(status, INTERNAL), Map.of());
        }
        if (failure instanceof HttpRefusal refusal) {
            return new Answer(refusal.status(), refusal.getMessage(), refusal.headers());
        }
        if (failure instanceof ValidatorException || failure instanceof JsonSchemaValidationException) {
            return new Answer(400, validationMessage(failure), Map.of());
        }
        if (failure instanceof DecodeException) {
            return new Answer(400, "request body is not valid JSON", Map.of());
        }
        if (failure instanceof HttpException http) {
            String message = http.getPayload() != null ? http.getPayload() : STATUS_MESSAGES.get(http.getStatusCode());
            return new Answer(http.getStatusCode(), message == null ? INTERNAL : message, Map.of());
        }
        Origin origin = origin(failure);
        boolean own = origin == Origin.SERVICE;
        if (failure instanceof AuthenticationException) {
            // The caller was authenticated before any handler ran: this is the service's own key or AWS credential.
            return new Answer(503, BACKEND_CREDENTIALS, Map.of());
        }
        if (failure instanceof AuthorizationException) {
            return own ? new Answer(403, failure.getMessage(), Map.of()) : new Answer(503, BACKEND_PERMISSIONS, Map.of());
        }
        if (failure instanceof ReadOnlyRepositoryException) {
            return callerFacing(403, failure, origin);
        }
        if (failure instanceof NotFoundException) {
            return own || origin == Origin.LAKEFS ? callerFacing(404, failure, origin) : new Answer(503, BACKEND_MISSING, Map.of());
        }
        if (failure instanceof AlreadyExistsException || failure instanceof StaleWriteException) {
            return own || origin == Origin.LAKEFS ? callerFacing(409, failure, origin) : new Answer(409, CONFLICT, Map.of());
        }
        if (failure instanceof InvalidInputException) {
            return own || origin == Origin.LAKEFS ? callerFacing(400, failure, origin) : new Answer(500, INTERNAL, Map.of());
        }
        if (failure instanceof NotImplementedException) {
            return own ? new Answer(501, failure.getMessage(), Map.of()) : new Answer(501, "not implemented", Map.of());
        }
        if (failure instanceof RetryableException || ReplicationException.isRetryable(failure)) {
            return new Answer(503, BACKEND_UNAVAILABLE, Map.of());
        }
        return new Answer(500, INTERNAL, Map.of());
    }

    /** The service's own message, or lakeFS's message without the call and endpoint around it. */
    private static Answer callerFacing(int status, Throwable failure, Origin origin) {
        String message = failure.getMessage();
        if (origin == Origin.LAKEFS) {
            Matcher m = LAKEFS_MESSAGE.matcher(message == null ? "" : message);
            message = m.find() ? "lakeFS: " + m.group(1).strip() : null;
        }
        return new Answer(status, message == null || message.isBlank() ? STATUS_MESSAGES.getOrDefault(status, INTERNAL)
                : message, Map.of());
    }

    private static String validationMessage(Throwable failure) {
        if (failure instanceof ValidatorException v && v.getCause() instanceof JsonSchemaValidationException s) {
            return v.getMessage() + ": " + s.getMessage()
                    + (s.location() == null || s.location().isEmpty() ? "" : " at " + s.location());
        }
        return Optional.ofNullable(failure.getMessage()).orElse(STATUS_MESSAGES.get(400));
    }

    /**
     * Who raised a failure: the service itself (no cause outside the service's own exceptions), or an
     * adapter translating a backend's error, which always keeps the client's exception as its cause;
     * lakeFS when that is lakeFS's client or the message is the lakeFS adapter's "failed with HTTP".
     */
    static Origin origin(Throwable failure) {
        for (Throwable t = failure == null ? null : failure.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ReplicationException) {
                continue;
            }
            String type = t.getClass().getName();
            boolean lakeFsClient = type.startsWith("io.lakefs.") || type.startsWith("okhttp3.");
            return lakeFsClient || LAKEFS_ADAPTER.matcher(String.valueOf(failure.getMessage())).find()
                    ? Origin.LAKEFS : Origin.BACKEND;
        }
        return Origin.SERVICE;
    }

    /** Removes what must not leave the service: http(s) URLs, AWS ARNs and request IDs, internal names. */
    String scrub(String message) {
        String out = HTTP_URL.matcher(message).replaceAll("<internal URL>");
        out = AWS_ARN.matcher(out).replaceAll("<AWS ARN>");
        out = SDK_REQUEST.matcher(out).replaceAll("$1");
        out = AWS_REQUEST_ID.matcher(out).replaceAll("<request ID>");
        for (Pattern name : internalNames) {
            out = name.matcher(out).replaceAll("<internal name>");
        }
        return out;
    }
}
