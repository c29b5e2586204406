package io.lakemirror.launcher.cli;

import java.util.Optional;

/** The replication API answered an error: its status and its own message. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Optional<String> correlationId;

    public ApiException(int status, String message, Optional<String> correlationId) {
        super(message);
        this.status = status;
        this.correlationId = correlationId;
    }

    public int status() {
        return status;
    }

    public Optional<String> correlationId() {
        return correlationId;
    }
}
