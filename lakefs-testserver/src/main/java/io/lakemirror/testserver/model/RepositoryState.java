package io.lakemirror.testserver.model;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One repository's refs and commits. Readers use the concurrent maps without locking; every change
 * runs under {@link #writeLock()}, which only worker threads take (a commit holds it across its
 * uploads), so the event loop never waits on it.
 */
public final class RepositoryState {
    private final RepositoryId id;
    private final StorageNamespace storageNamespace;
    private final BranchId defaultBranch;
    private final Instant creationDate;
    private final boolean readOnly;
    private final ConcurrentSkipListMap<String, BranchState> branches = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, CommitId> tags = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<CommitId, CommitRecord> commits = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, String> metadata = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentHashMap<CommitId, Instant> preciseCreation = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<CommitId, ForeignCommit> foreignCommits = new ConcurrentHashMap<>();
    private final String storageId;
    private volatile CommitCache commitCache = CommitCache.NONE;

    public RepositoryState(RepositoryId id, StorageNamespace storageNamespace, BranchId defaultBranch,
                           Instant creationDate, boolean readOnly) {
        this(id, storageNamespace, defaultBranch, creationDate, readOnly, "");
    }

    public RepositoryState(RepositoryId id, StorageNamespace storageNamespace, BranchId defaultBranch,
                           Instant creationDate, boolean readOnly, String storageId) {
        this.id = id;
        this.storageNamespace = storageNamespace;
        this.defaultBranch = defaultBranch;
        this.creationDate = creationDate;
        this.readOnly = readOnly;
        this.storageId = storageId;
    }

    /** The blockstore the repository lives on (lakeFS's {@code storage_id}; "" with one blockstore). */
    public String storageId() {
        return storageId;
    }

    /** Reads of commits by ID go through this cache, as lakeFS's GetCommit does ({@link CommitCache}). */
    public void useCommitCache(CommitCache cache) {
        this.commitCache = cache;
    }

    /** Creation times with their nanoseconds, for commits made with nanosecond times on; they order the log. */
    public ConcurrentHashMap<CommitId, Instant> preciseCreation() {
        return preciseCreation;
    }

    /** The creation time that orders the log: with nanoseconds when the commit was made with them. */
    public Instant orderingTime(CommitRecord commit) {
        return preciseCreation.getOrDefault(commit.id(), commit.creationDate());
    }

    /**
     * Commit records stored by CreateCommitRecord whose parents or metarange are not lakeFS digests (lakeFS stores
     * any strings and checks only the ID): served by getCommit, never part of a walk.
     */
    public ConcurrentHashMap<CommitId, ForeignCommit> foreignCommits() {
        return foreignCommits;
    }

    public RepositoryId id() {
        return id;
    }

    public StorageNamespace storageNamespace() {
        return storageNamespace;
    }

    public BranchId defaultBranch() {
        return defaultBranch;
    }

    public Instant creationDate() {
        return creationDate;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Branches by name. */
    public ConcurrentSkipListMap<String, BranchState> branches() {
        return branches;
    }

    /** Tags by name → commit. */
    public ConcurrentSkipListMap<String, CommitId> tags() {
        return tags;
    }

    public ConcurrentHashMap<CommitId, CommitRecord> commits() {
        return commits;
    }

    public ConcurrentSkipListMap<String, String> metadata() {
        return metadata;
    }

    public ReentrantLock writeLock() {
        return writeLock;
    }

    public BranchState branch(BranchId branch) {
        BranchState b = branches.get(branch.value());
        if (b == null) {
            throw LakeFsError.notFound("branch not found");
        }
        return b;
    }

    public CommitRecord commit(CommitId commit) {
        return findCommit(commit).orElseThrow(() -> LakeFsError.notFound("commit not found"));
    }

    /** The commit, through the commit cache when it is on (which may answer for a deleted namesake). */
    public Optional<CommitRecord> findCommit(CommitId commit) {
        return commitCache.read(id, commit, () -> Optional.ofNullable(commits.get(commit)));
    }

    /** The commit as stored in this repository, never from a cache (lakeFS's KV). */
    public Optional<CommitRecord> storedCommit(CommitId commit) {
        return Optional.ofNullable(commits.get(commit));
    }

    /** Refuses a write to a read-only repository unless forced, as lakeFS does. */
    public void checkWritable(boolean force) {
        if (readOnly && !force) {
            throw LakeFsError.readOnly();
        }
    }

    /** Runs {@code change} holding the write lock. Call only from worker threads. */
    public <T> T write(Supplier<T> change) {
        writeLock.lock();
        try {
            return change.get();
        } finally {
            writeLock.unlock();
        }
    }
}
