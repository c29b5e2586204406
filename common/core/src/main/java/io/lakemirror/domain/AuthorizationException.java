package io.lakemirror.domain;

/** The caller is authenticated but not allowed to perform the action. */
public class AuthorizationException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public AuthorizationException(String message) {
        super(message);
    }

    public AuthorizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
