package io.lakemirror.domain;

/** The caller could not be authenticated (missing or wrong credentials). */
public class AuthenticationException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
