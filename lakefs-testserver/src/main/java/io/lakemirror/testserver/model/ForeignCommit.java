package io.lakemirror.testserver.model;

import java.util.List;
import java.util.Map;

/** A commit record as CreateCommitRecord received it, for fields that are not lakeFS digests (see RepositoryState). */
public record ForeignCommit(String id, List<String> parents, String committer, String message, String metaRangeId,
                            long creationDate, Map<String, String> metadata, long generation, int version) {
    public ForeignCommit {
        parents = List.copyOf(parents);
        metadata = Map.copyOf(metadata);
    }
}
