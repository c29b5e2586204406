package io.lakemirror.validator;

import io.lakemirror.domain.NonRetryableException;

/**
 * A message (or a head the re-check pass was about to admit) that must never be admitted: a commit
 * record that does not hash to its ID, a sequence or head the source sensor never announced, a head
 * the source lakeFS never had, or a head without metarange that lakeFS itself would not write. The
 * handler dead-letters the message with this reason; nothing of it reaches the branch state except
 * the reason, in the validator error of a branch the sensor knows.
 */
final class RejectedException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    private final Outcome.PoisonKind kind;

    RejectedException(Outcome.PoisonKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    RejectedException(Outcome.PoisonKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Outcome.PoisonKind kind() {
        return kind;
    }
}
