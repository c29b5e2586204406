package io.lakemirror.domain;

/** A write to a read-only repository without the force flag. */
public class ReadOnlyRepositoryException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public ReadOnlyRepositoryException(String message) {
        super(message);
    }

    public ReadOnlyRepositoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
