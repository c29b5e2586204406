package io.lakemirror.lakefs.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakefs.clients.sdk.ApiException;
import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import java.io.IOException;
import java.net.SocketTimeoutException;

/** Turns lakeFS SDK failures into the domain exceptions, keeping lakeFS's own message. */
final class SdkErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_RETRIED = "; not retried, the same call would fail the same way";

    private SdkErrors() {
    }

    /**
     * The domain exception for a failed call. {@code call} names the operation and what it acted on,
     * for example {@code createBranch(repository r, branch b)}.
     */
    static ReplicationException translate(String endpoint, String call, ApiException e) {
        int status = e.getCode();
        String lakeFsMessage = lakeFsMessage(e);
        String what = "lakeFS " + endpoint + " " + call;
        if (status == 0) {
            return e.getCause() instanceof IOException io
                    ? new RetryableException(what + " failed: " + describe(io), e)
                    : new NonRetryableException(what + " failed before reaching lakeFS: " + lakeFsMessage + NOT_RETRIED, e);
        }
        String failed = what + " failed with HTTP " + status + ": " + lakeFsMessage;
        return switch (status) {
            case 400 -> new InvalidInputException(failed + NOT_RETRIED, e);
            case 401 -> isInsufficientPermissions(lakeFsMessage)
                    ? new AuthorizationException(failed + NOT_RETRIED, e)
                    : new AuthenticationException(failed + "; check the access key id and secret" + NOT_RETRIED, e);
            case 403 -> lakeFsMessage.contains("read-only repository")
                    ? new ReadOnlyRepositoryException(failed + NOT_RETRIED, e)
                    : new AuthorizationException(failed + NOT_RETRIED, e);
            case 404, 410 -> new NotFoundException(failed + NOT_RETRIED, e);
            case 409 -> new AlreadyExistsException(failed + NOT_RETRIED, e);
            case 412 -> new StaleWriteException(failed + NOT_RETRIED, e);
            case 429 -> new RetryableException(failed, e);
            case 501 -> new NotImplementedException(failed + NOT_RETRIED, e);
            default -> status >= 500
                    ? new RetryableException(failed, e)
                    : new NonRetryableException(failed + NOT_RETRIED, e);
        };
    }

    /** A response the SDK's models refuse (a required field missing or of the wrong type). */
    static ReplicationException unreadable(String endpoint, String call, RuntimeException e) {
        return new CorruptDataException("lakeFS " + endpoint + " " + call
                + " answered with a response the lakeFS SDK cannot read: " + e.getMessage() + NOT_RETRIED, e);
    }

    private static boolean isInsufficientPermissions(String message) {
        return message.contains("insufficient permissions");
    }

    /** lakeFS's {@code {"message": ...}}, else the raw body, else the SDK's text. */
    static String lakeFsMessage(ApiException e) {
        String body = e.getResponseBody();
        if (body != null && !body.isBlank()) {
            try {
                JsonNode node = JSON.readTree(body);
                JsonNode message = node == null ? null : node.get("message");
                if (message != null && message.isTextual()) {
                    return message.asText();
                }
            } catch (IOException notJson) {
                // Proxies and load balancers answer HTML or text; show it as it came.
            }
            return body.length() > 300 ? body.substring(0, 300) + "…" : body.strip();
        }
        return e.getMessage() == null ? "(no message)" : e.getMessage();
    }

    private static String describe(IOException io) {
        String kind = io instanceof SocketTimeoutException ? "timed out" : "I/O error";
        return kind + " (" + io.getClass().getSimpleName() + ": " + io.getMessage() + ")";
    }
}
