package io.lakemirror.domain;

/**
 * A call was not started, or was abandoned, because the deadline its caller gave it passed (for
 * example the end of a promotion lease, less its safety margin). Retryable: the caller may try
 * again under a new deadline; nothing was retried past this one.
 */
public class DeadlineExceededException extends RetryableException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(String message) {
        super(message);
    }

    public DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
