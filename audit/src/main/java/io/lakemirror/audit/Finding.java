package io.lakemirror.audit;

import java.util.Objects;

/**
 * One breach of an invariant, naming the object that breaks it.
 *
 * @param invariant which invariant
 * @param ref       the branch or tag whose head led to it ({@link RefKind#REPOSITORY} and "*" for the repository itself)
 * @param kind      what {@code object} is
 * @param object    the object: an S3 URI for files, a commit ID, a branch or tag name, a repository name
 * @param detail    what is wrong with it, in a sentence
 */
public record Finding(Invariant invariant, RefKind refKind, String ref, ObjectKind kind, String object, String detail) {

    /** Where a finding was reached from. */
    public enum RefKind { BRANCH, TAG, REPOSITORY }

    /** What a finding's object is. */
    public enum ObjectKind { REPOSITORY, BRANCH, TAG, COMMIT, METARANGE, RANGE, DATA_OBJECT }

    public Finding {
        Objects.requireNonNull(invariant, "invariant");
        Objects.requireNonNull(refKind, "refKind");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(detail, "detail");
    }

    /** One line: {@code I1 branch main: range s3://bucket/ns/_lakefs/abc is missing ...}. */
    @Override
    public String toString() {
        String where = refKind == RefKind.REPOSITORY ? "repository" : refKind.name().toLowerCase(java.util.Locale.ROOT) + " " + ref;
        return invariant + " " + where + ": " + detail;
    }
}
