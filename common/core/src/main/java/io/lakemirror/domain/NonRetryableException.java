package io.lakemirror.domain;

/** A permanent failure: repeating the same operation will fail the same way until something changes. */
public class NonRetryableException extends ReplicationException {
    private static final long serialVersionUID = 1L;

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean isRetryable() {
        return false;
    }
}
