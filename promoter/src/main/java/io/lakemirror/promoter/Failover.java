package io.lakemirror.promoter;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.RepositoryCreation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failover of a region whose source is lost: a writable repository in the mirror's region holding
 * exactly what the mirror holds. lakeFS cannot make a read-only repository writable, so the
 * writable copy is a new bare repository on the mirror's storage namespace (no data is copied: the
 * metadata files and objects are already there), given every commit of every mirror branch with
 * its identical ID, parents first, and then the mirror's branches at their heads.
 *
 * <p>Every commit is checked against its content hash before it is written, so the copy is the
 * mirror, commit IDs included. Running it again with the same target completes an interrupted
 * failover: commits and branches already there are kept when they match, and refused when not.
 *
 * <p><b>Hooks.</b> The copy is writable, so lakeFS runs the pre-create-branch hooks of every branch created
 * on it, loaded from {@code _lakefs_actions/} of the ref the branch is created from; the mirror holds the
 * source's action files, and a webhook of the lost region fails exactly now. {@code force} does not help:
 * lakeFS skips hooks only on read-only repositories (pkg/graveler/graveler.go CreateBranch). So each branch
 * is created at {@link #EMPTY}, a commit with no content and hence no actions, and then hard-reset to its
 * head, which runs no hook (lakeFS has none for hard reset). {@link #EMPTY} stays in the copy, unreachable
 * from any branch (docs/operations.md, "Failover").
 */
public final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
    private static final int LOG_PAGE = 1000;
    /**
     * The empty commit branches start from on the copy: no parents, no metarange (so no {@code _lakefs_actions/}),
     * fixed fields, so every failover writes the same ID and a second run finds it there.
     */
    static final CommitRecord EMPTY = emptyCommit();

    private static CommitRecord emptyCommit() {
        String committer = "lakemirror";
        String message = "lakemirror failover: branches start here so that no hook runs, then move to their heads";
        java.time.Instant created = java.time.Instant.EPOCH;
        CommitId id = CommitId.of(CommitIds.compute(committer, message, "", created.getEpochSecond(), Map.of(),
                java.util.List.of()));
        return new CommitRecord(id, java.util.List.of(), committer, message, java.util.Optional.empty(), created,
                Map.of(), 1, 1);
    }

    /** What the writable copy holds. */
    public record Result(RepositoryId mirror, RepositoryId target, String storageNamespace, BranchId defaultBranch,
                         int commits, int commitsAlreadyThere, Map<BranchId, CommitId> branches) {
    }

    private final LakeFs lakeFs;

    /** {@code lakeFs}: the lakeFS of the mirror's region, with a user allowed to create repositories. */
    public Failover(LakeFs lakeFs) {
        this.lakeFs = Objects.requireNonNull(lakeFs, "lakeFs");
    }

    /** What {@link #copy} would create, reading only. */
    public Result plan(RepositoryId mirror, RepositoryId target) {
        Repository repository = readOnlyMirror(mirror, target);
        Map<BranchId, CommitId> heads = heads(mirror);
        Map<CommitId, CommitRecord> commits = history(mirror, heads);
        return new Result(mirror, target, repository.storageNamespace(), repository.defaultBranch(), commits.size(), 0,
                heads);
    }

    /**
     * Creates (or completes) {@code target} as a writable copy of the read-only {@code mirror}.
     *
     * @throws InvalidInputException when {@code mirror} is not read-only, or {@code target} exists and
     *                               is not a copy of it (other namespace, read-only, a branch elsewhere)
     */
    public Result copy(RepositoryId mirror, RepositoryId target) {
        Repository repository = readOnlyMirror(mirror, target);
        Map<BranchId, CommitId> heads = heads(mirror);
        Map<CommitId, CommitRecord> commits = history(mirror, heads);
        LOG.info("failover {} -> {}: {} commits on {} branches, storage namespace {}", mirror, target, commits.size(),
                heads.size(), repository.storageNamespace());
        createTarget(repository, target);
        int alreadyThere = 0;
        for (CommitRecord commit : MissingCommits.parentsFirst(commits)) {
            try {
                lakeFs.createCommitRecord(target, commit, false);
            } catch (AlreadyExistsException e) {
                requireSame(target, commit);
                alreadyThere++;
            }
        }
        try {
            lakeFs.createCommitRecord(target, EMPTY, false);
        } catch (AlreadyExistsException e) {
            requireSame(target, EMPTY);
        }
        for (Map.Entry<BranchId, CommitId> head : heads.entrySet()) {
            createBranch(target, head.getKey(), head.getValue());
        }
        LOG.info("failover {} -> {} done: {} commits written ({} were there), {} branches; write to {} from now on",
                mirror, target, commits.size() - alreadyThere, alreadyThere, heads.size(), target);
        return new Result(mirror, target, repository.storageNamespace(), repository.defaultBranch(), commits.size(),
                alreadyThere, heads);
    }

    private Repository readOnlyMirror(RepositoryId mirror, RepositoryId target) {
        if (mirror.equals(target)) {
            throw new InvalidInputException("the writable copy needs a name of its own, not " + mirror
                    + " (lakeFS cannot make a read-only repository writable); choose another name");
        }
        Repository repository = lakeFs.getRepository(mirror);
        if (!repository.readOnly()) {
            throw new InvalidInputException("repository " + mirror + " is writable, so it is not a mirror and needs no"
                    + " failover; nothing was changed");
        }
        return repository;
    }

    private Map<BranchId, CommitId> heads(RepositoryId mirror) {
        Map<BranchId, CommitId> heads = new TreeMap<>(java.util.Comparator.comparing(BranchId::value));
        Page.all(after -> lakeFs.listBranches(mirror, PageRequest.largest().after(after), true))
                .forEach((Branch b) -> heads.put(b.id(), b.commitId()));
        if (heads.isEmpty()) {
            throw new InvalidInputException("mirror " + mirror + " has no branch yet: nothing to fail over to");
        }
        return heads;
    }

    /** Every commit reachable from the heads, each verified against its ID. */
    private Map<CommitId, CommitRecord> history(RepositoryId mirror, Map<BranchId, CommitId> heads) {
        Map<CommitId, CommitRecord> commits = new HashMap<>();
        for (CommitId head : new LinkedHashMap<>(heads).values()) {
            if (commits.containsKey(head)) {
                continue;
            }
            LogRequest request = LogRequest.first(LOG_PAGE);
            while (true) {
                Page<CommitRecord> page = lakeFs.logCommits(mirror, head.asRef(), request);
                for (CommitRecord c : page.results()) {
                    commits.putIfAbsent(c.id(), c);
                }
                if (!page.hasMore() || page.results().isEmpty()) {
                    break;
                }
                request = request.after(page.results().get(page.results().size() - 1).id());
            }
        }
        for (CommitRecord c : commits.values()) {
            CommitId computed = CommitIds.of(c);
            if (!computed.equals(c.id())) {
                throw new CorruptDataException("commit " + c.id() + " of mirror " + mirror + " hashes to " + computed
                        + "; refusing to copy a commit that is not what its ID says; nothing after it was written");
            }
        }
        return commits;
    }

    private void createTarget(Repository mirror, RepositoryId target) {
        StorageNamespace namespace = mirror.s3StorageNamespace().orElseThrow(() -> new InvalidInputException(
                "mirror " + mirror.id() + " has storage namespace " + mirror.storageNamespace() + ", not on S3"));
        try {
            lakeFs.createRepository(new RepositoryCreation(target, namespace, mirror.defaultBranch(), true, false));
            LOG.info("failover: created writable repository {} on {}", target, namespace);
        } catch (AlreadyExistsException e) {
            Repository existing = lakeFs.getRepository(target);
            if (existing.readOnly() || !existing.storageNamespace().equals(mirror.storageNamespace())) {
                throw new InvalidInputException("repository " + target + " already exists and is not a writable copy of "
                        + mirror.id() + " (storage namespace " + existing.storageNamespace() + ", read-only "
                        + existing.readOnly() + "); choose another name");
            }
            LOG.info("failover: repository {} exists on the same namespace; completing it", target);
        }
    }

    private void requireSame(RepositoryId target, CommitRecord commit) {
        CommitRecord there = lakeFs.getCommit(target, commit.id().asRef());
        if (!there.equals(commit)) {
            throw new InvalidInputException("repository " + target + " holds commit " + commit.id()
                    + " with other fields than the mirror's; it is not a copy of the mirror; choose another name");
        }
    }

    /**
     * The branch at {@code head}: created at {@link #EMPTY} (no actions there, so no hook runs) and hard-reset to
     * {@code head}. A branch left at {@link #EMPTY} by an interrupted run is moved on; one elsewhere is refused.
     */
    private void createBranch(RepositoryId target, BranchId branch, CommitId head) {
        try {
            lakeFs.createBranch(target, branch, EMPTY.id().asRef(), false);
        } catch (AlreadyExistsException e) {
            CommitId there = lakeFs.getBranch(target, branch).commitId();
            if (there.equals(head)) {
                return;
            }
            if (!there.equals(EMPTY.id())) {
                throw new InvalidInputException("branch " + branch + " of " + target + " is at " + there + ", not at the"
                        + " mirror's head " + head + ": someone wrote to it already; reset it by hand if that is wanted");
            }
        }
        try {
            lakeFs.hardResetBranch(target, branch, head.asRef(), false);
        } catch (NotFoundException e) {
            throw new IllegalStateException("commit " + head + " was written to " + target + " but lakeFS does not find it"
                    + " for branch " + branch + ": " + e.getMessage(), e);
        }
    }
}
