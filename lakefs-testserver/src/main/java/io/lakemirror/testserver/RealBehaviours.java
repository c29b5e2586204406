package io.lakemirror.testserver;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Behaviours of real lakeFS that the test server leaves out unless asked, because most tests want a
 * predictable server: each is a switch, and the testkit's {@code World} turns each on in at least one
 * end-to-end run. Read from lakeFS's source at 71a45eeb1 (v1.84.0-3); see docs/design/lakefs-facts.md.
 *
 * @param repositoryCache      lakeFS's repository cache ({@code graveler.repository_cache}, expiry 5 s with up to
 *                             2 s jitter, pkg/graveler/ref/manager.go GetRepository): after a deletion the
 *                             repository is still found, empty, until the entry expires, so re-creating the name
 *                             answers 409 "error creating repository: not unique" for about 5-7 s
 * @param commitCache          lakeFS's commit cache ({@code graveler.commit_cache}, 10 min), keyed by repository
 *                             <em>name</em> and commit ID: a repository re-created under a name still finds the
 *                             commits of the deleted one it was asked for
 * @param nanosecondTimes      commits and merges keep the clock's nanoseconds (lakeFS stores {@code time.Now()}),
 *                             which order the log; the API still shows whole seconds, and CreateCommitRecord
 *                             stores whole seconds
 * @param lakeFsDeletionOrder  branch deletion checks in lakeFS's order (pkg/graveler/graveler.go DeleteBranch):
 *                             read-only, then default branch (403), then existence (404)
 * @param hooks                pre-create-branch webhooks of {@code _lakefs_actions/} run on writable repositories
 *                             (never on read-only ones, force or not); a failing one answers 412
 * @param storageIds           the installation's blockstores (lakeFS Enterprise's {@code blockstores.stores});
 *                             empty for one blockstore, whose {@code storage_id} lakeFS reports as ""
 * @param backwardCompatible   the store a request without {@code storage_id} lands on
 *                             ({@code backward_compatible: true}); without one such a request answers 400
 */
public record RealBehaviours(boolean repositoryCache, Duration repositoryCacheExpiry, Duration repositoryCacheJitter,
                             boolean commitCache, Duration commitCacheExpiry, boolean nanosecondTimes,
                             boolean lakeFsDeletionOrder, boolean hooks, List<String> storageIds,
                             Optional<String> backwardCompatible) {
    /** The predictable server: none of the behaviours. */
    public static final RealBehaviours NONE = new RealBehaviours(false, Duration.ofSeconds(5), Duration.ofSeconds(2),
            false, Duration.ofMinutes(10), false, false, false, List.of(), Optional.empty());
    /** Every behaviour with lakeFS's defaults, one blockstore. */
    public static final RealBehaviours ALL = NONE.withRepositoryCache(true).withCommitCache(true)
            .withNanosecondTimes(true).withLakeFsDeletionOrder(true).withHooks(true);

    public RealBehaviours {
        Objects.requireNonNull(repositoryCacheExpiry, "repositoryCacheExpiry");
        Objects.requireNonNull(repositoryCacheJitter, "repositoryCacheJitter");
        Objects.requireNonNull(commitCacheExpiry, "commitCacheExpiry");
        storageIds = List.copyOf(storageIds);
        Objects.requireNonNull(backwardCompatible, "backwardCompatible");
        if (backwardCompatible.isPresent() && !storageIds.contains(backwardCompatible.get())) {
            throw new IllegalArgumentException("backward-compatible store " + backwardCompatible.get() + " is not among "
                    + storageIds);
        }
    }

    public RealBehaviours withRepositoryCache(boolean on) {
        return new RealBehaviours(on, repositoryCacheExpiry, repositoryCacheJitter, commitCache, commitCacheExpiry,
                nanosecondTimes, lakeFsDeletionOrder, hooks, storageIds, backwardCompatible);
    }

    public RealBehaviours withCommitCache(boolean on) {
        return new RealBehaviours(repositoryCache, repositoryCacheExpiry, repositoryCacheJitter, on, commitCacheExpiry,
                nanosecondTimes, lakeFsDeletionOrder, hooks, storageIds, backwardCompatible);
    }

    /** The commit cache's expiry (lakeFS's default 10 min), shorter for tests that outlive it. */
    public RealBehaviours withCommitCacheExpiry(Duration expiry) {
        return new RealBehaviours(repositoryCache, repositoryCacheExpiry, repositoryCacheJitter, commitCache, expiry,
                nanosecondTimes, lakeFsDeletionOrder, hooks, storageIds, backwardCompatible);
    }

    public RealBehaviours withNanosecondTimes(boolean on) {
        return new RealBehaviours(repositoryCache, repositoryCacheExpiry, repositoryCacheJitter, commitCache,
                commitCacheExpiry, on, lakeFsDeletionOrder, hooks, storageIds, backwardCompatible);
    }

    public RealBehaviours withLakeFsDeletionOrder(boolean on) {
        return new RealBehaviours(repositoryCache, repositoryCacheExpiry, repositoryCacheJitter, commitCache,
                commitCacheExpiry, nanosecondTimes, on, hooks, storageIds, backwardCompatible);
    }

    public RealBehaviours withHooks(boolean on) {
        return new RealBehaviours(repositoryCache, repositoryCacheExpiry, repositoryCacheJitter, commitCache,
                commitCacheExpiry, nanosecondTimes, lakeFsDeletionOrder, on, storageIds, backwardCompatible);
    }

    /** Several blockstores; requests without {@code storage_id} land on {@code backwardCompatibleStore} if given. */
    public RealBehaviours withStorageIds(List<String> ids, Optional<String> backwardCompatibleStore) {
        return new RealBehaviours(repositoryCache, repositoryCacheExpiry, repositoryCacheJitter, commitCache,
                commitCacheExpiry, nanosecondTimes, lakeFsDeletionOrder, hooks, ids, backwardCompatibleStore);
    }

    /** Whether repositories carry a {@code storage_id} (several blockstores). */
    public boolean multipleStores() {
        return !storageIds.isEmpty();
    }
}
