package io.lakemirror.audit;

/** The invariants of docs/architecture.md §8 that an audit of a live mirror can check. */
public enum Invariant {
    /** Never ahead: a mirror head's metarange and every range it lists are in the mirror namespace (strict: data too). */
    I1("never ahead"),
    /** Provenance: a mirror head is in the history of the same source branch; a mirror tag names the source tag's commit. */
    I2("provenance"),
    /** Same IDs: every mirror commit hashes to its ID and has the source's parents, metarange and fields. */
    I5("same IDs"),
    /** Read-only: the mirror repository is read-only and holds no branch, tag or commit the source lacks. */
    I6("read-only");

    private final String title;

    Invariant(String title) {
        this.title = title;
    }

    /** The invariant's short name, as docs/architecture.md §8 titles it. */
    public String title() {
        return title;
    }
}
