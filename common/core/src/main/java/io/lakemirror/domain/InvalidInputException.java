package io.lakemirror.domain;

/** Input that breaks a documented rule (an identifier, a request body, a configuration value); the message states the rule. */
public class InvalidInputException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
