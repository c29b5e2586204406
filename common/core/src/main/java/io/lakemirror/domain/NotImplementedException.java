package io.lakemirror.domain;

/** The remote system does not implement the operation (for example the policy APIs of OSS lakeFS). */
public class NotImplementedException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public NotImplementedException(String message) {
        super(message);
    }

    public NotImplementedException(String message, Throwable cause) {
        super(message, cause);
    }
}
