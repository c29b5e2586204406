package io.lakemirror.api.http;

import java.util.Map;

/**
 * A refusal the HTTP layer decided itself, with the exact status, the message the caller sees and
 * any extra headers (for example {@code Retry-After}); {@link ApiErrors} sends it as it is.
 */
final class HttpRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, String> headers;

    HttpRefusal(int status, String message, Map<String, String> headers, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    HttpRefusal(int status, String message) {
        this(status, message, Map.of(), null);
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }
}
