package io.lakemirror.validator;

import java.time.Duration;
import java.util.Objects;

/**
 * What to do with one received message, decided by {@link CommitsMessageHandler} and carried out by
 * {@link QueueWorker}. Every message gets exactly one.
 */
sealed interface Outcome {

    /** Why, for logs. */
    String reason();

    /** Done with: delete it from the queue. */
    record Completed(String reason) implements Outcome {
        public Completed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Not yet: hide it for {@code delay}, then look again. Later messages of its FIFO group wait behind it. */
    record RetryLater(Duration delay, String reason) implements Outcome {
        public RetryLater {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Never processable: move it to the dead-letter queue with the reason. */
    record DeadLetter(PoisonKind kind, String reason) implements Outcome {
        public DeadLetter {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a message is poison; the tag of the dead-letter counter. */
    enum PoisonKind {
        MALFORMED("malformed"),
        UNSUPPORTED_SCHEMA("unsupported_schema"),
        WRONG_ORGANIZATION("wrong_organization"),
        WRONG_REGION("wrong_region"),
        UNKNOWN_MIRROR("unknown_mirror"),
        SOURCE_MISMATCH("source_mismatch"),
        UNVERIFIABLE_COMMIT("unverifiable_commit"),
        /** A commit record whose fields do not hash to its ID. */
        TAMPERED_RECORD("tampered_record"),
        /** A sequence the source sensor never recorded for the branch (for example a huge forged one). */
        UNSENSED_SEQUENCE("unsensed_sequence"),
        /** A head the source sensor did not announce for that sequence, or that the source lakeFS never had. */
        FORGED_HEAD("forged_head"),
        /** A head without metarange that is not a repository's initial commit, the only one lakeFS writes so. */
        INVALID_HEAD("invalid_head"),
        GAVE_UP("gave_up");

        private final String tag;

        PoisonKind(String tag) {
            this.tag = tag;
        }

        String tag() {
            return tag;
        }
    }
}
