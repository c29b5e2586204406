package io.lakemirror.domain;

/**
 * Root of every failure the replication service raises on purpose. Subclasses are grouped by what
 * the caller should do: {@link RetryableException} (try again later) or
 * {@link NonRetryableException} (the same call will fail the same way).
 */
public abstract class ReplicationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected ReplicationException(String message) {
        super(message);
    }

    protected ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same operation later may succeed. */
    public abstract boolean isRetryable();

    /** Walks the cause chain and reports whether the first {@link ReplicationException} in it is retryable. */
    public static boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ReplicationException e) {
                return e.isRetryable();
            }
        }
        return false;
    }
}
