package io.lakemirror.domain;

/** Stored bytes fail a checksum or cannot be decoded; the message names the file and the place. */
public class CorruptDataException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
