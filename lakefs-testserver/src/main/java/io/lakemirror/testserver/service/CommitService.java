package io.lakemirror.testserver.service;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.testserver.model.BranchState;
import io.lakemirror.testserver.model.CommitLog;
import io.lakemirror.testserver.model.ForeignCommit;
import io.lakemirror.testserver.model.Keys;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.RefResolver;
import io.lakemirror.testserver.model.RepositoryState;
import io.lakemirror.testserver.model.Staged;
import io.lakemirror.testserver.storage.Trees;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Commits, merges, the log and CreateCommitRecord. Commit IDs are lakeFS's content hash of the
 * commit's fields; commits and merges write real range and metarange files.
 */
public final class CommitService {
    private final RepositoryService repositories;
    private final Trees trees;
    private final Clock clock;

    public CommitService(RepositoryService repositories, Trees trees, Clock clock) {
        this.repositories = repositories;
        this.trees = trees;
        this.clock = clock;
    }

    /** What {@code POST .../commits} asks for. */
    public record CommitRequest(String message, Map<String, String> metadata, Optional<Long> date,
                                boolean allowEmpty, boolean force) {
    }

    /**
     * Commits the branch's staged changes: writes the new tree's ranges and metarange, then the
     * commit (parent = head, generation = parent's + 1, version 1). Blocking.
     */
    public CommitRecord commit(String repository, BranchId branch, CommitRequest request, String committer) {
        RepositoryState repo = repositories.get(repository);
        return repo.write(() -> {
            repo.checkWritable(request.force());
            BranchState b = repo.branch(branch);
            CommitRecord parent = repo.commit(b.head());
            Map<String, Staged> changes = new TreeMap<>(Keys.BYTEWISE);
            changes.putAll(b.staging());
            NavigableMap<String, Entry> base = trees.read(repo.storageNamespace(), parent.metaRangeId());
            NavigableMap<String, Entry> next = apply(base, changes);
            if (!request.allowEmpty() && sameContent(next, base)) {
                throw LakeFsError.badRequest("commit: no changes");
            }
            MetaRangeId metaRange = trees.write(repo.storageNamespace(), next);
            Instant precise = request.date().map(Instant::ofEpochSecond).orElseGet(this::preciseNow);
            Instant created = precise.truncatedTo(ChronoUnit.SECONDS);
            CommitRecord commit = record(committer, request.message(), metaRange, created, request.metadata(),
                    List.of(parent.id()), parent.generation() + 1);
            if (repo.commits().putIfAbsent(commit.id(), commit) == null) {
                keepPrecise(repo, commit, precise);
            }
            changes.forEach((path, staged) -> b.staging().remove(path, staged));
            repo.branches().put(branch.value(), b.withHead(commit.id()));
            return commit;
        });
    }

    /** What {@code POST .../refs/{source}/merge/{destination}} asks for. */
    public record MergeRequest(Optional<String> message, Map<String, String> metadata, Optional<String> strategy,
                               boolean force, boolean allowEmpty, boolean squash) {
    }

    /**
     * Merges {@code sourceRef} into {@code destination}: a three-way merge of trees against the
     * merge base; a path changed differently on both sides is a conflict (409) unless the strategy
     * picks a side. The merge commit's parents are the destination head, then the source. Blocking.
     */
    public CommitRecord merge(String repository, String sourceRef, BranchId destination, MergeRequest request,
                              String committer) {
        RepositoryState repo = repositories.get(repository);
        return repo.write(() -> {
            repo.checkWritable(request.force());
            BranchState dest = repo.branch(destination);
            CommitId source = RefResolver.resolve(repo, sourceRef).commit();
            if (dest.dirty()) {
                throw LakeFsError.badRequest("uncommitted changes (dirty branch)");
            }
            CommitRecord d = repo.commit(dest.head());
            CommitRecord s = repo.commit(source);
            Optional<CommitId> baseId = CommitLog.mergeBase(repo, d.id(), s.id());
            if (!request.allowEmpty() && baseId.isPresent() && baseId.get().equals(s.id())) {
                throw LakeFsError.badRequest("no changes");
            }
            StorageNamespace ns = repo.storageNamespace();
            NavigableMap<String, Entry> destTree = trees.read(ns, d.metaRangeId());
            NavigableMap<String, Entry> sourceTree = trees.read(ns, s.metaRangeId());
            NavigableMap<String, Entry> baseTree = baseId.isEmpty()
                    ? new TreeMap<>(Keys.BYTEWISE)
                    : trees.read(ns, repo.commit(baseId.get()).metaRangeId());
            NavigableMap<String, Entry> merged = threeWay(baseTree, sourceTree, destTree, request.strategy());
            if (!request.allowEmpty() && sameContent(merged, destTree)) {
                throw LakeFsError.badRequest("no changes");
            }
            MetaRangeId metaRange = trees.write(ns, merged);
            String message = request.message().filter(m -> !m.isEmpty())
                    .orElse("Merge '" + sourceRef + "' into '" + destination + "'");
            List<CommitId> parents = request.squash() ? List.of(d.id()) : List.of(d.id(), s.id());
            Instant precise = preciseNow();
            CommitRecord commit = record(committer, message, metaRange, precise.truncatedTo(ChronoUnit.SECONDS),
                    request.metadata(), parents, Math.max(d.generation(), s.generation()) + 1);
            if (repo.commits().putIfAbsent(commit.id(), commit) == null) {
                keepPrecise(repo, commit, precise);
            }
            repo.branches().put(destination.value(), dest.withHead(commit.id()));
            return commit;
        });
    }

    private static NavigableMap<String, Entry> threeWay(NavigableMap<String, Entry> base,
                                                        NavigableMap<String, Entry> source,
                                                        NavigableMap<String, Entry> dest, Optional<String> strategy) {
        TreeSet<String> paths = new TreeSet<>(Keys.BYTEWISE);
        paths.addAll(source.keySet());
        paths.addAll(dest.keySet());
        paths.addAll(base.keySet());
        TreeMap<String, Entry> out = new TreeMap<>(Keys.BYTEWISE);
        for (String path : paths) {
            Entry b = base.get(path);
            Entry s = source.get(path);
            Entry d = dest.get(path);
            Entry chosen;
            if (same(s, d) || same(s, b)) {
                chosen = d;
            } else if (same(d, b)) {
                chosen = s;
            } else if (strategy.filter("source-wins"::equals).isPresent()) {
                chosen = s;
            } else if (strategy.filter("dest-wins"::equals).isPresent()) {
                chosen = d;
            } else {
                throw LakeFsError.conflict("conflict found");
            }
            if (chosen != null) {
                out.put(path, chosen);
            }
        }
        return out;
    }

    /** Same content as lakeFS compares it: by entry identity, so a copy at another address is unchanged. */
    private static boolean same(Entry a, Entry b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Arrays.equals(a.identity(), b.identity());
    }

    /** Whether two trees hold the same paths with the same identities (lakeFS's notion of "no changes"). */
    private static boolean sameContent(NavigableMap<String, Entry> a, NavigableMap<String, Entry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, Entry> e : a.entrySet()) {
            if (!same(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static NavigableMap<String, Entry> apply(NavigableMap<String, Entry> base, Map<String, Staged> changes) {
        TreeMap<String, Entry> next = new TreeMap<>(Keys.BYTEWISE);
        next.putAll(base);
        changes.forEach((path, staged) -> staged.entry().ifPresentOrElse(e -> next.put(path, e), () -> next.remove(path)));
        return next;
    }

    private CommitRecord record(String committer, String message, MetaRangeId metaRange, Instant created,
                                Map<String, String> metadata, List<CommitId> parents, long generation) {
        String id = CommitIds.compute(committer, message, metaRange.value(), created.getEpochSecond(), metadata,
                parents.stream().map(CommitId::value).toList());
        return new CommitRecord(CommitId.of(id), parents, committer, message, Optional.of(metaRange), created,
                metadata, generation, 1);
    }

    /** Now, with nanoseconds when the server plays lakeFS's nanosecond commit times, else in whole seconds. */
    private Instant preciseNow() {
        Instant now = clock.instant();
        return repositories.real().nanosecondTimes() ? now : now.truncatedTo(ChronoUnit.SECONDS);
    }

    private static void keepPrecise(RepositoryState repo, CommitRecord commit, Instant precise) {
        if (!precise.equals(commit.creationDate())) {
            repo.preciseCreation().put(commit.id(), precise);
        }
    }

    /** A record CreateCommitRecord stored with fields that are not digests, when {@code ref} is its ID. */
    public Optional<ForeignCommit> foreign(String repository, String ref) {
        RepositoryState repo = repositories.get(repository);
        return CommitId.RULE.accepts(ref) ? Optional.ofNullable(repo.foreignCommits().get(CommitId.of(ref)))
                : Optional.empty();
    }

    /** The commit any ref resolves to. */
    public CommitRecord get(String repository, String ref) {
        RepositoryState repo = repositories.get(repository);
        return repo.commit(RefResolver.resolve(repo, ref).commit());
    }

    /** The two commits of a merge and their best common ancestor. */
    public record MergeBase(CommitId source, CommitId destination, CommitId base) {
    }

    public MergeBase mergeBase(String repository, String sourceRef, String destinationRef) {
        RepositoryState repo = repositories.get(repository);
        CommitId source = RefResolver.resolve(repo, sourceRef).commit();
        CommitId destination = RefResolver.resolve(repo, destinationRef).commit();
        CommitId base = CommitLog.mergeBase(repo, destination, source)
                .orElseThrow(() -> LakeFsError.notFound("no merge base found"));
        return new MergeBase(source, destination, base);
    }

    /** A page of the log of {@code ref}, in lakeFS's order. */
    public CommitLog.Result log(String repository, String ref, Optional<String> after, int amount,
                                Optional<String> stopAt, boolean firstParent, boolean limit, Optional<Instant> since) {
        RepositoryState repo = repositories.get(repository);
        CommitId start = RefResolver.resolve(repo, ref).commit();
        Optional<CommitId> stop = stopAt.map(s -> RefResolver.resolve(repo, s).commit());
        Optional<CommitId> afterId = after.filter(a -> !a.isEmpty()).map(a -> RefResolver.resolve(repo, a).commit());
        return CommitLog.page(repo, new CommitLog.Query(start, afterId, amount, stop, firstParent, limit, since));
    }

    /** The fields of {@code CommitRecordCreation}, as sent. */
    public record CommitRecordFields(String commitId, int version, String committer, String message,
                                     String metaRangeId, long creationDate, List<String> parents,
                                     Map<String, String> metadata, long generation, boolean force) {
    }

    /**
     * Stores a commit exactly as given once its ID is the hash of its fields (400 otherwise) and no
     * commit has that ID (409). Parents and metarange are not checked, as in lakeFS.
     */
    public void createCommitRecord(String repository, CommitRecordFields f) {
        RepositoryState repo = repositories.get(repository);
        repo.write(() -> {
            repo.checkWritable(f.force());
            String computed = CommitIds.compute(f.committer(), f.message(), f.metaRangeId(), f.creationDate(),
                    f.metadata(), f.parents());
            if (!computed.equals(f.commitId())) {
                throw LakeFsError.badRequest("commit id: invalid value: validation error");
            }
            if (f.version() < 0 || f.version() > 1) {
                throw LakeFsError.badRequest("commit version: invalid value: validation error");
            }
            CommitId id = CommitId.of(computed);
            if (repo.storedCommit(id).isPresent() || repo.foreignCommits().containsKey(id)) {
                throw LakeFsError.notUnique("commit");
            }
            boolean digests = f.parents().stream().allMatch(CommitId.RULE::accepts)
                    && (f.metaRangeId().isEmpty() || MetaRangeId.RULE.accepts(f.metaRangeId()));
            if (!digests) {
                // lakeFS checks only the ID; other strings are stored as given (its own tests send "parent1").
                repo.foreignCommits().put(id, new ForeignCommit(computed, f.parents(), f.committer(), f.message(),
                        f.metaRangeId(), f.creationDate(), f.metadata(), f.generation(), f.version()));
                return null;
            }
            CommitRecord commit = new CommitRecord(id,
                    f.parents().stream().map(CommitId::of).toList(), f.committer(), f.message(),
                    f.metaRangeId().isEmpty() ? Optional.empty() : Optional.of(MetaRangeId.of(f.metaRangeId())),
                    Instant.ofEpochSecond(f.creationDate()), f.metadata(), f.generation(), f.version());
            if (repo.commits().putIfAbsent(commit.id(), commit) != null) {
                throw LakeFsError.notUnique("commit");
            }
            return null;
        });
    }
}
