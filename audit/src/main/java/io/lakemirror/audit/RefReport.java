package io.lakemirror.audit;

import io.lakemirror.domain.CommitId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the audit found for one branch or tag.
 *
 * @param kind            branch or tag
 * @param name            its name
 * @param mirrorHead      where it points on the mirror (empty: not on the mirror)
 * @param sourceHead      where it points on the source (empty: not on the source)
 * @param state           how the two relate
 * @param metadataFiles   metarange and range files of the mirror head checked in the bucket
 * @param dataObjects     data objects of the mirror head checked (strict audits)
 * @param violations      findings reached from this ref
 * @param notes           what the operator may want to know that is not a violation
 */
public record RefReport(Finding.RefKind kind, String name, Optional<CommitId> mirrorHead, Optional<CommitId> sourceHead,
                        State state, long metadataFiles, long dataObjects, int violations, List<String> notes) {

    /** How a mirror ref relates to its source ref. */
    public enum State {
        /** Mirror and source point at the same commit. */
        IN_SYNC,
        /** The mirror head is an older commit of the source branch's history: the mirror has not caught up yet. */
        BEHIND,
        /**
         * The mirror differs from the source in a way the service is still working on: the source reset or deleted
         * the branch after the mirror head, and the mirror has not applied it yet. Run the audit again later.
         */
        PENDING,
        /** The source has it and the mirror not yet (liveness, not an invariant). */
        NOT_ON_MIRROR,
        /** A finding names this ref. */
        VIOLATED
    }

    public RefReport {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mirrorHead, "mirrorHead");
        Objects.requireNonNull(sourceHead, "sourceHead");
        Objects.requireNonNull(state, "state");
        notes = List.copyOf(notes);
    }
}
