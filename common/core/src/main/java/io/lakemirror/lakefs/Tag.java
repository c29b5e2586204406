package io.lakemirror.lakefs;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.TagId;
import java.util.Objects;

/** A tag and the commit it names (lakeFS {@code Ref}). */
public record Tag(TagId id, CommitId commitId) {
    public Tag {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(commitId, "commitId");
    }
}
