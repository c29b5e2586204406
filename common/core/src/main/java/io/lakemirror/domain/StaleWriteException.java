package io.lakemirror.domain;

/** A conditional write lost: the item changed since it was read (another writer or a newer sequence won). Re-read and decide again. */
public class StaleWriteException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public StaleWriteException(String message) {
        super(message);
    }

    public StaleWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
