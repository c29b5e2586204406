package io.lakemirror.messages;

import io.lakemirror.domain.InvalidInputException;

/** A message that cannot be decoded: it will never be processable and belongs in the dead-letter queue. */
public class MalformedMessageException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
