package io.lakemirror.promoter;

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
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the commits a mirror repository lacks below a head, parents first.
 *
 * <p>The walk follows parents through the refstore and stops at commits known to be on the mirror.
 * A commit missing from the refstore (its message is still in flight on another branch's queue
 * group, or was lost) is looked up on the mirror, and failing that read from the source lakeFS and
 * verified against its content hash: commit records are immutable, so any copy with the right hash
 * is the commit.
 */
final class MissingCommits {
    private static final Logger LOG = LoggerFactory.getLogger(MissingCommits.class);
    private static final int BATCH = 100;

    private final Refstore refstore;

    MissingCommits(Refstore refstore) {
        this.refstore = refstore;
    }

    /** The commits below (and including) {@code head} that are not on the mirror, parents before children. */
    List<CommitRecord> below(MirrorSpec spec, CommitId head, LakeFs mirror, LakeFs source) {
        MirrorId id = spec.id();
        Map<CommitId, CommitRecord> missing = new HashMap<>();
        Set<CommitId> seen = new HashSet<>();
        Deque<CommitId> frontier = new ArrayDeque<>(List.of(head));
        seen.add(head);
        while (!frontier.isEmpty()) {
            List<CommitId> batch = new ArrayList<>();
            while (!frontier.isEmpty() && batch.size() < BATCH) {
                batch.add(frontier.poll());
            }
            Map<CommitId, Refstore.StoredCommit> stored = refstore.getCommits(id, batch);
            for (CommitId c : batch) {
                Refstore.StoredCommit known = stored.get(c);
                CommitRecord record;
                if (known != null && known.promoted()) {
                    continue;
                } else if (known != null) {
                    record = known.commit();
                } else {
                    record = locate(spec, c, mirror, source);
                    if (record == null) {
                        continue;
                    }
                }
                missing.put(c, record);
                for (CommitId parent : record.parents()) {
                    if (seen.add(parent)) {
                        frontier.add(parent);
                    }
                }
            }
        }
        return parentsFirst(missing);
    }

    /** The record of a commit absent from the refstore; null when the mirror already has it. */
    private CommitRecord locate(MirrorSpec spec, CommitId c, LakeFs mirror, LakeFs source) {
        try {
            CommitRecord onMirror = mirror.getCommit(spec.name(), c.asRef());
            refstore.putCommits(spec.id(), List.of(onMirror));
            refstore.markPromoted(spec.id(), List.of(c));
            return null;
        } catch (NotFoundException e) {
            LOG.trace("mirror {}: commit {} is neither in the refstore nor on the mirror; reading it from {}",
                    spec.id(), c, spec.sourceRepository());
        }
        CommitRecord fetched = source.getCommit(spec.sourceRepository(), c.asRef());
        CommitId computed = CommitIds.of(fetched);
        if (!computed.equals(c)) {
            throw new CorruptDataException("commit " + c + " read from source repository " + spec.sourceRepository()
                    + " hashes to " + computed + "; refusing to copy it; retrying later");
        }
        refstore.putCommits(spec.id(), List.of(fetched));
        return fetched;
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
        java.util.PriorityQueue<CommitRecord> ready = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(CommitRecord::generation).thenComparing(r -> r.id().value()));
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
