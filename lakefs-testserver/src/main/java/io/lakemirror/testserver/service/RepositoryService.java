package io.lakemirror.testserver.service;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.testserver.model.BranchState;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.model.RepositoryState;
import io.lakemirror.testserver.storage.BlockStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Repositories: create (bare or with lakeFS's initial commit), look up, list, delete, metadata. */
public final class RepositoryService {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryService.class);
    /** lakeFS's first commit of a non-bare repository. */
    static final String INITIAL_COMMIT_MESSAGE = "Repository created";
    private static final String NAMESPACE_MARKER = "_lakefs/dummy";

    private final ConcurrentSkipListMap<String, RepositoryState> repositories = new ConcurrentSkipListMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final BlockStore blocks;
    private final Clock clock;

    public RepositoryService(BlockStore blocks, Clock clock) {
        this.blocks = blocks;
        this.clock = clock;
    }

    /** The repository, or 404. Non-blocking. */
    public RepositoryState get(String repository) {
        RepositoryState repo = repositories.get(repository);
        if (repo == null) {
            throw LakeFsError.notFound("repository not found");
        }
        return repo;
    }

    public Paged<RepositoryState> list(String prefix, String after, int amount) {
        return Paged.of(repositories, prefix, after, amount);
    }

    public Collection<RepositoryState> all() {
        return List.copyOf(repositories.values());
    }

    /**
     * Creates a repository. A bare one has no commit and no branch; otherwise the default branch
     * points at lakeFS's "Repository created" commit, and a writable one claims its namespace by
     * writing {@code _lakefs/dummy} (refused when another repository already did). Blocking.
     */
    public RepositoryState create(RepositoryId id, StorageNamespace namespace, BranchId defaultBranch, boolean bare,
                                  boolean readOnly) {
        lifecycle.lock();
        try {
            if (repositories.containsKey(id.value())) {
                throw LakeFsError.notUnique("repository");
            }
            if (!bare && !readOnly) {
                claimNamespace(namespace);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            RepositoryState repo = new RepositoryState(id, namespace, defaultBranch, now, readOnly);
            if (!bare) {
                CommitRecord initial = initialCommit(now);
                repo.commits().put(initial.id(), initial);
                repo.branches().put(defaultBranch.value(), BranchState.create(defaultBranch, initial.id(), false));
            }
            repositories.put(id.value(), repo);
            LOG.debug("created repository {} at {} (bare {}, read-only {})", id, namespace, bare, readOnly);
            return repo;
        } finally {
            lifecycle.unlock();
        }
    }

    private void claimNamespace(StorageNamespace namespace) {
        if (blocks.exists(namespace, NAMESPACE_MARKER)) {
            throw LakeFsError.badRequest("failed to create repository: storage namespace already in use: " + namespace);
        }
        blocks.put(namespace, NAMESPACE_MARKER, new byte[0], "application/octet-stream");
    }

    static CommitRecord initialCommit(Instant now) {
        String id = CommitIds.compute("", INITIAL_COMMIT_MESSAGE, "", now.getEpochSecond(), Map.of(), List.of());
        return new CommitRecord(CommitId.of(id), List.of(), "", INITIAL_COMMIT_MESSAGE, Optional.empty(), now,
                Map.of(), 1, 1);
    }

    /** Deletes a repository; a read-only one only with {@code force}. The namespace is left as it is. */
    public void delete(String repository, boolean force) {
        lifecycle.lock();
        try {
            RepositoryState repo = get(repository);
            repo.write(() -> {
                repo.checkWritable(force);
                repositories.remove(repository, repo);
                return null;
            });
            LOG.debug("deleted repository {}", repository);
        } finally {
            lifecycle.unlock();
        }
    }

    /** Adds or replaces keys; allowed on read-only repositories, as in lakeFS. */
    public void setMetadata(String repository, Map<String, String> metadata) {
        RepositoryState repo = get(repository);
        repo.write(() -> {
            repo.metadata().putAll(metadata);
            return null;
        });
    }

    public void deleteMetadata(String repository, Collection<String> keys) {
        RepositoryState repo = get(repository);
        repo.write(() -> {
            keys.forEach(repo.metadata()::remove);
            return null;
        });
    }
}
