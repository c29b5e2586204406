package io.lakemirror.domain;

/** An identifier that breaks its rule; the message quotes the value and states the rule. */
public class InvalidIdentifierException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public InvalidIdentifierException(String message) {
        super(message);
    }
}
