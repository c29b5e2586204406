package io.lakemirror.lakefs;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.TagId;
import java.util.Map;
import java.util.Optional;

/**
 * The lakeFS API as the replication service uses it: one lakeFS installation, one authenticated
 * user. Implementations are thread-safe.
 *
 * <p>Failures are the domain exceptions of {@code io.lakemirror.domain}: {@code NotFoundException}
 * (404), {@code AlreadyExistsException} (409), {@code ReadOnlyRepositoryException} (a write to a
 * read-only repository without {@code force}), {@code AuthenticationException} (401),
 * {@code AuthorizationException} (lakeFS's "insufficient permissions", other 403s),
 * {@code InvalidInputException} (400), {@code NotImplementedException} (501, such as the policy
 * APIs of OSS lakeFS), and {@code RetryableException} for 5xx, 429, timeouts and I/O errors once
 * the implementation's own retries are spent. Every message names the operation, the repository
 * (and branch, tag or ref) and lakeFS's own message.
 *
 * <p>A write that is retried after a timeout may find its own first attempt done: creating
 * something then fails with {@code AlreadyExistsException}, which callers that copy state treat as
 * success.
 *
 * <p>{@link #bounded(Deadline)} gives a view whose every call ends by a deadline, for callers whose
 * writes must not outlive a lease (the promoter).
 */
public interface LakeFs {

    /**
     * This lakeFS with every call held to {@code deadline}: a call is not started once it has passed
     * ({@code DeadlineExceededException}), a call still running at the deadline is abandoned and
     * fails as a timeout, and no call is retried past it. A view of a view keeps the earlier
     * deadline. The default checks before each call only; adapters that can bound a call in flight
     * override it.
     *
     * <p>Abandoning a request does not recall it: lakeFS may still apply a write it received, after
     * the deadline. Callers that need a write never to land late pair the deadline with a check of
     * the outcome (the promoter's anti-entropy pass).
     */
    default LakeFs bounded(Deadline deadline) {
        return BoundedLakeFs.of(this, deadline);
    }

    // ---- repositories

    /** {@code POST /repositories?bare=}: creates a repository; a bare one has no commit and no branch. */
    Repository createRepository(RepositoryCreation creation);

    Repository getRepository(RepositoryId repository);

    /** A page of repositories in name order. */
    Page<Repository> listRepositories(PageRequest page);

    /** Deletes a repository; a read-only one needs {@code force}. */
    void deleteRepository(RepositoryId repository, boolean force);

    /** The repository's metadata map (readable and writable even when the repository is read-only). */
    Map<String, String> getRepositoryMetadata(RepositoryId repository);

    /** Adds or replaces the given keys of the repository metadata; other keys stay ({@code internal} API). */
    void setRepositoryMetadata(RepositoryId repository, Map<String, String> metadata);

    // ---- branches

    /** A page of branches in name order; hidden branches only with {@code showHidden}. */
    Page<Branch> listBranches(RepositoryId repository, PageRequest page, boolean showHidden);

    /** Creates a branch at {@code source} and returns the commit it points to. */
    CommitId createBranch(RepositoryId repository, BranchId branch, Ref source, boolean force);

    /**
     * Creates a hidden branch at {@code source} ({@code hidden: true}, experimental in lakeFS) and returns the
     * commit it points to: lakeFS lists it only to a caller asking with {@code show_hidden}, so the service's
     * own short-lived refs stay out of users' branch listings.
     */
    CommitId createHiddenBranch(RepositoryId repository, BranchId branch, Ref source, boolean force);

    Branch getBranch(RepositoryId repository, BranchId branch);

    /** Deletes a branch; lakeFS refuses the default branch. */
    void deleteBranch(RepositoryId repository, BranchId branch, boolean force);

    /**
     * Points {@code branch} at {@code target} ({@code experimental} API); lakeFS refuses a branch with
     * uncommitted changes.
     */
    void hardResetBranch(RepositoryId repository, BranchId branch, Ref target, boolean force);

    // ---- commits

    /**
     * A page of the log of {@code ref}: newest first (creation date, then ID, descending) over every
     * parent unless {@link LogRequest#firstParent()}; {@code nextOffset} is a commit ID.
     */
    Page<CommitRecord> logCommits(RepositoryId repository, Ref ref, LogRequest request);

    /** The commit {@code ref} resolves to (a commit ID, branch, tag or expression). */
    CommitRecord getCommit(RepositoryId repository, Ref ref);

    /**
     * Stores a commit exactly as given ({@code internal} API {@code CreateCommitRecord}). lakeFS
     * recomputes the ID from the fields and refuses a mismatch ({@code InvalidInputException}); an
     * existing commit is an {@code AlreadyExistsException}. Parents and the metarange are not checked.
     */
    void createCommitRecord(RepositoryId repository, CommitRecord commit, boolean force);

    // ---- tags

    Page<Tag> listTags(RepositoryId repository, PageRequest page);

    Tag createTag(RepositoryId repository, TagId tag, Ref target, boolean force);

    Tag getTag(RepositoryId repository, TagId tag);

    void deleteTag(RepositoryId repository, TagId tag, boolean force);

    // ---- auth

    /** The user these credentials belong to; empty when lakeFS served the call without a user. */
    Optional<User> currentUser();

    /**
     * The distinct policies that apply to {@code user}, directly or through groups
     * ({@code listUserPolicies?effective=true}). OSS lakeFS has no policies and answers
     * {@code NotImplementedException}: its single user may do everything.
     */
    Page<Policy> effectivePolicies(UserId user, PageRequest page);

    // ---- installation

    /**
     * The lakeFS version, exactly as {@code GET /config/version} reports it in {@code version}: a
     * release such as {@code 1.84.0} (see {@link LakeFsVersion#parse}), or {@code dev} for a build
     * from source. Any authenticated user may read it.
     */
    String version();
}
