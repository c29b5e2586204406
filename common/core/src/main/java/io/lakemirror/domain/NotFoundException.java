package io.lakemirror.domain;

/** The named resource (repository, branch, commit, mirror, object) does not exist. */
public class NotFoundException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
