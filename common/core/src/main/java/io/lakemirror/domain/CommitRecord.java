package io.lakemirror.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A lakeFS commit as the mirror must reproduce it: every field that lakeFS hashes into the commit
 * ID, plus {@code generation} and {@code version}, which it stores but does not hash.
 *
 * @param id           the commit ID
 * @param parents      parent commit IDs in lakeFS order (the first is the main parent from version 1)
 * @param committer    who committed
 * @param message      the commit message
 * @param metaRangeId  the commit's metarange; empty for a repository's initial commit
 * @param creationDate whole seconds, as lakeFS stores it
 * @param metadata     commit metadata
 * @param generation   distance from the initial commit, as lakeFS computed it
 * @param version      lakeFS commit version (0 or 1)
 */
public record CommitRecord(CommitId id, List<CommitId> parents, String committer, String message,
                           Optional<MetaRangeId> metaRangeId, Instant creationDate, Map<String, String> metadata,
                           long generation, int version) {

    public CommitRecord {
        Objects.requireNonNull(id, "id");
        parents = List.copyOf(parents);
        Objects.requireNonNull(committer, "committer");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(metaRangeId, "metaRangeId");
        Objects.requireNonNull(creationDate, "creationDate");
        if (creationDate.getNano() != 0) {
            throw new InvalidInputException("commit " + id + ": creation date " + creationDate
                    + " has a fraction of a second; lakeFS stores whole seconds");
        }
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        if (version < 0 || version > 1) {
            throw new InvalidInputException("commit " + id + ": version " + version + " is not a lakeFS commit version (0 or 1)");
        }
    }

    /** Whether this commit merges two or more parents. */
    public boolean isMerge() {
        return parents.size() > 1;
    }
}
