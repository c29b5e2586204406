package io.lakemirror.testserver.model;

/**
 * A failure the test server reports to its client, classified as lakeFS classifies its errors
 * ({@code pkg/graveler/errors.go}); the HTTP layer maps each {@link Kind} to one status code. The
 * message is what lakeFS would put in {@code {"message": ...}}.
 */
public final class LakeFsError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, independent of HTTP. */
    public enum Kind {
        BAD_REQUEST,
        UNAUTHENTICATED,
        INSUFFICIENT_PERMISSIONS,
        READ_ONLY,
        FORBIDDEN,
        NOT_FOUND,
        NOT_UNIQUE,
        CONFLICT,
        GONE,
        PRECONDITION_FAILED,
        TOO_MANY_TRIES,
        INTERNAL,
        NOT_IMPLEMENTED,
        SLOW_DOWN
    }

    private final Kind kind;

    public LakeFsError(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static LakeFsError badRequest(String message) {
        return new LakeFsError(Kind.BAD_REQUEST, message);
    }

    public static LakeFsError notFound(String message) {
        return new LakeFsError(Kind.NOT_FOUND, message);
    }

    public static LakeFsError notUnique(String what) {
        return new LakeFsError(Kind.NOT_UNIQUE, what + " already exists: not unique");
    }

    public static LakeFsError readOnly() {
        return new LakeFsError(Kind.READ_ONLY, "read-only repository");
    }

    public static LakeFsError forbidden(String message) {
        return new LakeFsError(Kind.FORBIDDEN, message);
    }

    public static LakeFsError conflict(String message) {
        return new LakeFsError(Kind.CONFLICT, message);
    }

    public static LakeFsError unauthenticated() {
        return new LakeFsError(Kind.UNAUTHENTICATED, "error authenticating request");
    }

    public static LakeFsError insufficientPermissions(String explanation) {
        return new LakeFsError(Kind.INSUFFICIENT_PERMISSIONS, "insufficient permissions: " + explanation);
    }

    public static LakeFsError notImplemented() {
        return new LakeFsError(Kind.NOT_IMPLEMENTED, "Not Implemented");
    }
}
