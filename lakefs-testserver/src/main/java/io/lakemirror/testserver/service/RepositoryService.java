package io.lakemirror.testserver.service;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.testserver.RealBehaviours;
import io.lakemirror.testserver.model.BranchState;
import io.lakemirror.testserver.model.CommitCache;
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
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Deleted repositories still in lakeFS's repository cache: name → the emptied repository and its expiry. */
    private final ConcurrentHashMap<String, Ghost> ghosts = new ConcurrentHashMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final BlockStore blocks;
    private final Clock clock;
    private final RealBehaviours real;
    private final CommitCache commitCache;
    private final Random jitter = new Random();

    private record Ghost(RepositoryState repository, Instant expires) {
    }

    public RepositoryService(BlockStore blocks, Clock clock) {
        this(blocks, clock, RealBehaviours.NONE);
    }

    public RepositoryService(BlockStore blocks, Clock clock, RealBehaviours real) {
        this.blocks = blocks;
        this.clock = clock;
        this.real = real;
        this.commitCache = real.commitCache() ? new CommitCache(clock, real.commitCacheExpiry()) : CommitCache.NONE;
    }

    /** The real-lakeFS behaviours this server plays. */
    public RealBehaviours real() {
        return real;
    }

    /** The repository, or 404. Non-blocking. With the repository cache, a just-deleted one is still found, empty. */
    public RepositoryState get(String repository) {
        RepositoryState repo = repositories.get(repository);
        if (repo == null) {
            Optional<RepositoryState> ghost = ghost(repository);
            if (ghost.isPresent()) {
                return ghost.get();
            }
            throw LakeFsError.notFound("repository not found");
        }
        return repo;
    }

    /**
     * The repository as lakeFS's KV has it, never from the repository cache (lakeFS's GetRepositoryMetadata and
     * DeleteRepository read it so), or 404.
     */
    public RepositoryState stored(String repository) {
        RepositoryState repo = repositories.get(repository);
        if (repo == null) {
            throw LakeFsError.notFound("repository not found");
        }
        return repo;
    }

    private Optional<RepositoryState> ghost(String repository) {
        Ghost ghost = ghosts.get(repository);
        if (ghost == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(ghost.expires())) {
            ghosts.remove(repository, ghost);
            return Optional.empty();
        }
        return Optional.of(ghost.repository());
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
        return create(id, namespace, defaultBranch, bare, readOnly, Optional.empty());
    }

    /**
     * The store a repository lands on: the one asked for, or without one the backward-compatible store (""
     * with one blockstore); 400 {@code storage id: invalid value} otherwise (pkg/api/controller.go CreateRepository).
     */
    private String storageId(Optional<String> asked) {
        if (!real.multipleStores()) {
            if (asked.isPresent() && !asked.get().isEmpty()) {
                throw LakeFsError.badRequest("storage id: invalid value: validation error");
            }
            return "";
        }
        String id = asked.filter(a -> !a.isEmpty()).or(real::backwardCompatible).orElse("");
        if (!real.storageIds().contains(id)) {
            throw LakeFsError.badRequest("storage id: invalid value: validation error");
        }
        return id;
    }

    /** Creates a repository on the blockstore {@code storageId} names (see {@link #storageId}). Blocking. */
    public RepositoryState create(RepositoryId id, StorageNamespace namespace, BranchId defaultBranch, boolean bare,
                                  boolean readOnly, Optional<String> storageId) {
        lifecycle.lock();
        try {
            // lakeFS's controller looks the name up (through the repository cache) before anything else.
            if (repositories.containsKey(id.value()) || ghost(id.value()).isPresent()) {
                throw new LakeFsError(LakeFsError.Kind.NOT_UNIQUE, "error creating repository: not unique");
            }
            String store = storageId(storageId);
            if (!bare && !readOnly) {
                claimNamespace(namespace);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            RepositoryState repo = new RepositoryState(id, namespace, defaultBranch, now, readOnly, store);
            repo.useCommitCache(commitCache);
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
            if (!repositories.containsKey(repository)) {
                // lakeFS deletes by its KV, not its cache: a repository only the cache still holds is not found.
                throw LakeFsError.notFound("repository not found");
            }
            repo.write(() -> {
                repo.checkWritable(force);
                repositories.remove(repository, repo);
                return null;
            });
            if (real.repositoryCache()) {
                long jitterMillis = real.repositoryCacheJitter().toMillis();
                Instant expires = clock.instant().plus(real.repositoryCacheExpiry())
                        .plusMillis(jitterMillis <= 0 ? 0 : jitter.nextLong(jitterMillis + 1));
                RepositoryState emptied = new RepositoryState(repo.id(), repo.storageNamespace(), repo.defaultBranch(),
                        repo.creationDate(), repo.readOnly(), repo.storageId());
                emptied.useCommitCache(commitCache);
                ghosts.put(repository, new Ghost(emptied, expires));
            }
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
