package io.lakemirror.testserver.spec;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The allow-list: every place where real lakeFS answers outside its own {@code swagger.yml} and the
 * service meets it. Keep it short (fewer than ten entries) and each entry backed by lakeFS's source; a
 * mismatch not listed here fails the test class that caused it ({@link SpecConformanceExtension}).
 */
public final class Departures {
    /** lakemirror's own check: a 4xx answer that the operation does not list (lakeFS's {@code default} means 5xx). */
    public static final String UNDECLARED_STATUS = "lakemirror.response.status.undeclared";

    /** The allow-list, in the order it is consulted. */
    public static final List<Departure> ALL = List.of(
            // pkg/graveler/ref/manager.go CreateCommitRecord: ErrCommitAlreadyExists wraps ErrNotUnique, which
            // handleApiErrorCallback answers 409; swagger.yml lists 204, 400, 401, 403, 404, 429 only.
            new Departure("commit-record-exists", Set.of("CreateCommitRecord"), 409, UNDECLARED_STATUS,
                    "CreateCommitRecord answers 409 for a commit that exists"),
            // pkg/auth (basic auth service) and the ACL server return ErrNotImplemented for users, groups and
            // policies, answered 501 by handleApiErrorCallback; the auth operations do not list it.
            new Departure("auth-not-implemented", Set.of("listUserPolicies", "listUsers", "getUser", "listGroups",
                    "listUserGroups", "getGroupACL", "listPolicies", "getPolicy"), 501, UNDECLARED_STATUS,
                    "auth APIs answer 501 on OSS lakeFS (basic auth) and, for policies, on simplified lakeFS"),
            // Every operation lists 429 as "too many requests" without content, but handleApiErrorCallback writes
            // ErrTooManyTries as {"message": "Too many attempts, try again later"}.
            new Departure("too-many-requests-body", Set.of("*"), 429, "validation.response.body.unexpected",
                    "429 answers carry lakeFS's JSON error body"),
            // pkg/graveler/graveler.go CreateBranch/DeleteBranch run pre-create/pre-delete-branch hooks on writable
            // repositories; a failing hook is an actions.ErrActionFailed, answered 412, which these do not list.
            new Departure("branch-hook-failed", Set.of("createBranch", "deleteBranch"), 412, UNDECLARED_STATUS,
                    "a failing pre-create-branch or pre-delete-branch hook answers 412"),
            // pkg/api/controller.go MergeIntoBranch hands ErrConflictFound to handleAPIError, which writes lakeFS's
            // {"message": "conflict found"}; swagger.yml gives the 409 a MergeResult body (required "reference").
            new Departure("merge-conflict-error-body", Set.of("mergeIntoBranch"), 409, "validation.response.body.schema.",
                    "a merge conflict answers 409 with an error message, not a MergeResult"),
            // pkg/api/controller.go GetObject sets Content-Type to the object's own content type (entry.ContentType);
            // swagger.yml lists only application/octet-stream for the 200 and 206 answers.
            new Departure("object-content-type", Set.of("getObject"), 0, "validation.response.contentType.notAllowed",
                    "getObject answers with the object's stored content type"),
            // pkg/graveler/ref/manager.go DeleteRepository returns ErrReadOnlyRepository without force (403);
            // deleteRepository lists 204, 400, 401, 404, 429 only.
            new Departure("delete-read-only-repository", Set.of("deleteRepository"), 403, UNDECLARED_STATUS,
                    "deleting a read-only repository without force answers 403 read-only repository"),
            // pkg/api/auth_middleware.go answers 401 "error authenticating request" to bad credentials before any
            // handler runs; getCurrentUser lists only 200 (and answers 200 with an empty user without credentials).
            new Departure("current-user-bad-credentials", Set.of("getCurrentUser"), 401,
                    "validation.response.status.unknown", "GET /user with bad credentials answers 401"));

    private Departures() {
    }

    /** The entry that allows this mismatch, if any. */
    public static Optional<Departure> allowing(String operationId, int status, String messageKey) {
        return ALL.stream().filter(d -> d.allows(operationId, status, messageKey)).findFirst();
    }
}
