package io.lakemirror.domain;

/** A transient failure (a 5xx, throttling, a timeout): the operation may succeed when retried with backoff. */
public class RetryableException extends ReplicationException {
    private static final long serialVersionUID = 1L;

    public RetryableException(String message) {
        super(message);
    }

    public RetryableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetryable() {
        return true;
    }
}
