package io.lakemirror.identity;

import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Commit records altered on their way: one field that the commit ID covers changed, the ID kept.
 * For tests of the checks that refuse them (issue 19, "Verified input").
 */
public final class AlteredRecords {
    /** How many ways {@link #alter} knows: message, committer, creation date, metadata, parents, metarange. */
    public static final int WAYS = 6;

    private AlteredRecords() {
    }

    /**
     * {@code c} with the field numbered {@code way} (0 to {@link #WAYS} − 1) changed under the same ID.
     *
     * @throws IllegalStateException if the change left the hash unchanged (it never does)
     */
    public static CommitRecord alter(CommitRecord c, int way) {
        CommitRecord altered = switch (way) {
            case 0 -> new CommitRecord(c.id(), c.parents(), c.committer(), c.message() + " (altered)", c.metaRangeId(),
                    c.creationDate(), c.metadata(), c.generation(), c.version());
            case 1 -> new CommitRecord(c.id(), c.parents(), c.committer() + "x", c.message(), c.metaRangeId(),
                    c.creationDate(), c.metadata(), c.generation(), c.version());
            case 2 -> new CommitRecord(c.id(), c.parents(), c.committer(), c.message(), c.metaRangeId(),
                    c.creationDate().plusSeconds(1), c.metadata(), c.generation(), c.version());
            case 3 -> {
                Map<String, String> metadata = new HashMap<>(c.metadata());
                metadata.put("injected", "yes");
                yield new CommitRecord(c.id(), c.parents(), c.committer(), c.message(), c.metaRangeId(),
                        c.creationDate(), metadata, c.generation(), c.version());
            }
            case 4 -> new CommitRecord(c.id(), c.parents().isEmpty() ? List.of(c.id()) : List.of(), c.committer(),
                    c.message(), c.metaRangeId(), c.creationDate(), c.metadata(), c.generation(), c.version());
            case 5 -> new CommitRecord(c.id(), c.parents(), c.committer(), c.message(),
                    Optional.of(MetaRangeId.of("e".repeat(64))), c.creationDate(), c.metadata(), c.generation(),
                    c.version());
            default -> throw new IllegalArgumentException("no way " + way + " to alter a record; 0 to " + (WAYS - 1));
        };
        if (CommitIds.of(altered).equals(c.id())) {
            throw new IllegalStateException("altering " + c.id() + " by way " + way + " left its hash unchanged");
        }
        return altered;
    }
}
