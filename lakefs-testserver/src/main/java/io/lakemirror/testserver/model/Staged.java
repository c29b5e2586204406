package io.lakemirror.testserver.model;

import io.lakemirror.graveler.Entry;
import java.util.Optional;

/** An uncommitted change on a branch: a new or changed entry, or a deletion (tombstone). */
public record Staged(Optional<Entry> entry) {

    public static Staged put(Entry entry) {
        return new Staged(Optional.of(entry));
    }

    public static Staged tombstone() {
        return new Staged(Optional.empty());
    }

    public boolean isTombstone() {
        return entry.isEmpty();
    }
}
