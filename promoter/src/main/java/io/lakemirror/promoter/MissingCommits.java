package io.lakemirror.promoter;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.Refstore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the commits a mirror repository lacks below a head, parents first, streaming: however long
 * the history, it holds a bounded number of records.
 *
 * <p>The walk is a depth-first search from the head through parents that creates a commit as soon as
 * every parent is on the mirror (post-order), so the commits of a first sync go to lakeFS while the
 * walk is still going. "On the mirror" is the refstore's {@code promoted} flag, plus the commits this
 * walk created and has not flagged yet. The path from the head down to the commit being looked at is
 * kept to {@link #DEFAULT_PATH_LIMIT} records: when it grows longer, its upper half is dropped and
 * only its top commit is remembered as a checkpoint, from which the walk descends again once the
 * part below is created (that descent stops at the commits just created). Memory is therefore about
 * {@code limit} records plus one commit ID per {@code limit / 2} commits of history, and each record
 * is read from the refstore about twice.
 *
 * <p>Every record is verified against its ID ({@link CommitIds}) before it is used: its parents steer
 * the walk and lakeFS refuses a record that does not hash to its ID. A record that fails the check,
 * and one lakeFS refuses with 400, is evicted from the refstore and read again from the source lakeFS,
 * where commits are immutable and content-addressed, so a copy with the right hash is the commit. A
 * commit missing from the refstore (its message is still in flight on another branch's queue group,
 * or was lost) is looked up on the mirror, and failing that read from the source the same way.
 */
final class MissingCommits {
    private static final Logger LOG = LoggerFactory.getLogger(MissingCommits.class);
    /** Records kept on the walk's path before its upper half is traded for a checkpoint. */
    static final int DEFAULT_PATH_LIMIT = 1_000;
    private static final int MARK_EVERY = 100;

    private final Refstore refstore;
    private final int pathLimit;
    private final AtomicLong refetched = new AtomicLong();

    MissingCommits(Refstore refstore) {
        this(refstore, DEFAULT_PATH_LIMIT);
    }

    MissingCommits(Refstore refstore, int pathLimit) {
        if (pathLimit < 2) {
            throw new IllegalArgumentException("path limit must be at least 2, got " + pathLimit);
        }
        this.refstore = refstore;
        this.pathLimit = pathLimit;
    }

    /** The lakeFS clients of one walk, asked for before every call so that each call gets the current deadline. */
    interface Clients {
        LakeFs mirror();

        LakeFs source();
    }

    /**
     * What one walk did.
     *
     * @param peakPath the most records the walk held on its path at once (at most the path limit)
     */
    record Copied(int created, int alreadyThere, int refetched, int peakPath) {
    }

    /** Records replaced by a copy read from the source (failed their hash check, or lakeFS refused them), since start. */
    long refetched() {
        return refetched.get();
    }

    /**
     * Creates every commit below and including {@code head} that the mirror lacks, each after all its
     * parents, with {@code CreateCommitRecord(force)}, and flags them promoted in the refstore (in
     * batches, and whatever happened, for those created before a failure).
     */
    Copied copy(MirrorSpec spec, CommitId head, Clients clients) {
        Walk walk = new Walk(spec, clients);
        try {
            walk.run(head);
        } finally {
            walk.flush();
        }
        if (walk.created + walk.alreadyThere > 0) {
            LOG.debug("copied {} commit records to {} ({} were there already, {} read again from the source)",
                    walk.created, spec.name(), walk.alreadyThere, walk.refetchedHere);
        }
        return new Copied(walk.created, walk.alreadyThere, walk.refetchedHere, walk.peakPath);
    }

    /** One walk's state: the commits it created and has not flagged yet, and a bounded memory of recent ones. */
    private final class Walk {
        private final MirrorSpec spec;
        private final MirrorId id;
        private final Clients clients;
        private final List<CommitId> unflagged = new ArrayList<>();
        private final Set<CommitId> recent = java.util.Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<CommitId, Boolean> eldest) {
                return size() > 4 * Math.max(pathLimit, MARK_EVERY);
            }
        });
        int created;
        int alreadyThere;
        int refetchedHere;
        int peakPath;

        Walk(MirrorSpec spec, Clients clients) {
            this.spec = spec;
            this.id = spec.id();
            this.clients = clients;
        }

        void run(CommitId head) {
            Deque<CommitId> checkpoints = new ArrayDeque<>();
            checkpoints.push(head);
            List<CommitRecord> path = new ArrayList<>();
            Set<CommitId> onPath = new HashSet<>();
            while (!path.isEmpty() || !checkpoints.isEmpty()) {
                if (path.isEmpty()) {
                    needed(List.of(checkpoints.pop())).values().forEach(r -> {
                        path.add(r);
                        onPath.add(r.id());
                        peakPath = Math.max(peakPath, path.size());
                    });
                    continue;
                }
                CommitRecord top = path.get(path.size() - 1);
                Optional<CommitRecord> parent = firstNeededParent(top);
                if (parent.isEmpty()) {
                    create(top);
                    path.remove(path.size() - 1);
                    onPath.remove(top.id());
                    continue;
                }
                if (!onPath.add(parent.get().id())) {
                    throw new CorruptDataException("the commits below " + head + " of mirror " + id + " form a cycle"
                            + " through " + parent.get().id() + "; lakeFS history is acyclic, so a stored record is"
                            + " corrupt; retrying later");
                }
                if (path.size() == pathLimit) {
                    checkpoints.push(path.get(0).id());
                    List<CommitRecord> dropped = path.subList(0, pathLimit / 2);
                    dropped.forEach(r -> onPath.remove(r.id()));
                    dropped.clear();
                }
                path.add(parent.get());
                peakPath = Math.max(peakPath, path.size());
            }
        }

        private Optional<CommitRecord> firstNeededParent(CommitRecord commit) {
            if (commit.parents().isEmpty()) {
                return Optional.empty();
            }
            Map<CommitId, CommitRecord> needed = needed(commit.parents());
            return commit.parents().stream().filter(needed::containsKey).findFirst().map(needed::get);
        }

        /** The verified records of those of {@code ids} the mirror lacks; commits already on it are left out. */
        private Map<CommitId, CommitRecord> needed(List<CommitId> ids) {
            List<CommitId> unknown = ids.stream().filter(c -> !recent.contains(c)).distinct().toList();
            if (unknown.isEmpty()) {
                return Map.of();
            }
            Map<CommitId, Refstore.StoredCommit> stored = refstore.getCommits(id, unknown);
            Map<CommitId, CommitRecord> needed = new HashMap<>();
            for (CommitId c : unknown) {
                Refstore.StoredCommit known = stored.get(c);
                if (known != null && known.promoted()) {
                    continue;
                }
                CommitRecord record = known != null ? verified(c, known.commit()) : locate(c);
                if (record != null) {
                    needed.put(c, record);
                }
            }
            return needed;
        }

        /** {@code record} when it hashes to {@code c}; otherwise a verified copy from the source, which replaces it. */
        private CommitRecord verified(CommitId c, CommitRecord record) {
            if (record.id().equals(c) && CommitIds.of(record).equals(c)) {
                return record;
            }
            LOG.warn("mirror {}: the refstore's record of commit {} hashes to {}; refusing it, evicting it and reading"
                    + " commit {} again from {}", id, c, CommitIds.of(record), c, spec.sourceRepository());
            return refetch(c);
        }

        /** The record of a commit absent from the refstore; null when the mirror has it already. */
        private CommitRecord locate(CommitId c) {
            try {
                CommitRecord onMirror = clients.mirror().getCommit(spec.name(), c.asRef());
                refstore.putCommits(id, List.of(onMirror));
                refstore.markPromoted(id, List.of(c));
                return null;
            } catch (NotFoundException e) {
                LOG.trace("mirror {}: commit {} is neither in the refstore nor on the mirror; reading it from {}",
                        id, c, spec.sourceRepository());
            }
            CommitRecord fetched = fromSource(c);
            refstore.putCommits(id, List.of(fetched));
            return fetched;
        }

        /** Evicts the stored record of {@code c} and stores a verified copy read from the source instead. */
        private CommitRecord refetch(CommitId c) {
            refstore.evictCommits(id, List.of(c));
            CommitRecord fetched = fromSource(c);
            refstore.putCommits(id, List.of(fetched));
            refetched.incrementAndGet();
            refetchedHere++;
            return fetched;
        }

        private CommitRecord fromSource(CommitId c) {
            CommitRecord fetched = clients.source().getCommit(spec.sourceRepository(), c.asRef());
            CommitId computed = CommitIds.of(fetched);
            if (!computed.equals(c) || !fetched.id().equals(c)) {
                throw new CorruptDataException("commit " + c + " read from source repository " + spec.sourceRepository()
                        + " hashes to " + computed + "; refusing to copy it; retrying later");
            }
            return fetched;
        }

        /** Verifies and creates one commit whose parents are all on the mirror. */
        private void create(CommitRecord commit) {
            CommitId c = commit.id();
            if (!CommitIds.of(commit).equals(c)) {
                throw new CorruptDataException("commit record " + c + " of mirror " + id + " does not hash to its ID;"
                        + " not creating it; retrying later");
            }
            try {
                createOnMirror(commit);
            } catch (InvalidInputException refused) {
                LOG.warn("mirror {}: lakeFS refused the record of commit {} ({}); evicting it and reading it again from"
                        + " {}", id, c, refused.getMessage(), spec.sourceRepository());
                createOnMirror(refetch(c));
            }
            recent.add(c);
            unflagged.add(c);
            if (unflagged.size() >= MARK_EVERY) {
                flush();
            }
        }

        private void createOnMirror(CommitRecord commit) {
            try {
                clients.mirror().createCommitRecord(spec.name(), commit, true);
                created++;
            } catch (AlreadyExistsException e) {
                alreadyThere++;
                LOG.trace("commit {} was already on {}", commit.id(), spec.name());
            }
        }

        void flush() {
            if (!unflagged.isEmpty()) {
                refstore.markPromoted(id, List.copyOf(unflagged));
                unflagged.clear();
            }
        }
    }

    /** Orders commits so every parent in the set comes before its children (Kahn's algorithm, stable by generation). */
    static List<CommitRecord> parentsFirst(Map<CommitId, CommitRecord> commits) {
        Map<CommitId, Integer> pendingParents = new HashMap<>();
        Map<CommitId, List<CommitId>> children = new HashMap<>();
        for (CommitRecord c : commits.values()) {
            int inSet = 0;
            for (CommitId p : c.parents()) {
                if (commits.containsKey(p)) {
                    inSet++;
                    children.computeIfAbsent(p, k -> new ArrayList<>()).add(c.id());
                }
            }
            pendingParents.put(c.id(), inSet);
        }
        PriorityQueue<CommitRecord> ready = new PriorityQueue<>(
                Comparator.comparingLong(CommitRecord::generation).thenComparing(r -> r.id().value()));
        commits.values().stream().filter(c -> pendingParents.get(c.id()) == 0).forEach(ready::add);
        List<CommitRecord> ordered = new ArrayList<>(commits.size());
        while (!ready.isEmpty()) {
            CommitRecord next = ready.poll();
            ordered.add(next);
            for (CommitId child : children.getOrDefault(next.id(), List.of())) {
                if (pendingParents.merge(child, -1, Integer::sum) == 0) {
                    ready.add(commits.get(child));
                }
            }
        }
        if (ordered.size() != commits.size()) {
            throw new InvalidInputException("the commits below a head form a cycle; lakeFS history is acyclic,"
                    + " so a stored record is corrupt; retrying later");
        }
        return ordered;
    }
}
