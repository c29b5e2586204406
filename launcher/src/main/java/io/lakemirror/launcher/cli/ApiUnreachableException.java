package io.lakemirror.launcher.cli;

/** The replication API could not be reached (refused, unknown host, TLS failure, timeout). */
public final class ApiUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApiUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
