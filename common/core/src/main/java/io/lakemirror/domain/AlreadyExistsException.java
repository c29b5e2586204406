package io.lakemirror.domain;

/** The resource to create exists already. */
public class AlreadyExistsException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message) {
        super(message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
