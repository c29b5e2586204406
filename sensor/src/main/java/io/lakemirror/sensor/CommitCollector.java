package io.lakemirror.sensor;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.store.SensorStateWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the commits of a source head that a mirror has not been sent yet (docs/design/pipeline.md,
 * "Sensor", step 2) and orders them parents first.
 *
 * <p>The walk reads {@code logCommits(head)} page by page, keeping a set of wanted IDs that starts
 * with the head: a listed commit that is wanted and not sent is collected and its parents become
 * wanted; a sent commit's ancestors were sent before it, so nothing is wanted through it. The walk
 * ends as soon as nothing is wanted, usually on the first page. It relies on lakeFS emitting a
 * commit only after one of its children (a parent enters lakeFS's priority queue when a child
 * leaves it), so a commit wanted through any unsent child is wanted by the time it is listed.
 *
 * <p>The sent state of listed commits is read in growing chunks (16, 32, ... up to a page): one
 * small read for the usual "one new commit on top of sent history", whole pages for a first sync.
 *
 * <p>Thread-safe; stateless between calls.
 */
final class CommitCollector {
    private static final int FIRST_LOOKUP = 16;

    private final LakeFs lakeFs;
    private final SensorStateWriter database;
    private final int logPageSize;

    CommitCollector(LakeFs lakeFs, SensorStateWriter database, int logPageSize) {
        this.lakeFs = lakeFs;
        this.database = database;
        this.logPageSize = logPageSize;
    }

    /**
     * What a head needs sent.
     *
     * @param commits    commits the mirror lacks, parents first; the head is last when it is among them
     * @param head       the head's record, always
     * @param logPages   how many {@code logCommits} pages the walk read
     */
    record Collected(List<CommitRecord> commits, CommitRecord head, int logPages) {
        Collected {
            commits = List.copyOf(commits);
        }

        boolean headIsNew() {
            return !commits.isEmpty() && commits.get(commits.size() - 1).id().equals(head.id());
        }
    }

    /**
     * Collects what {@code mirror} lacks of {@code head}'s history in {@code repository}.
     *
     * @param knownHeads records fetched earlier in this scan, shared by branches at the same commit
     */
    Collected collect(MirrorId mirror, RepositoryId repository, CommitId head, Map<CommitId, CommitRecord> knownHeads) {
        if (database.findSentCommits(mirror, List.of(head)).contains(head)) {
            CommitRecord record = knownHeads.get(head);
            if (record == null) {
                record = lakeFs.getCommit(repository, head.asRef());
                knownHeads.putIfAbsent(head, record);
            }
            return new Collected(List.of(), record, 0);
        }
        Set<CommitId> wanted = new HashSet<>(Set.of(head));
        Set<CommitId> listed = new HashSet<>();
        Set<CommitId> sent = new HashSet<>();
        Set<CommitId> looked = new HashSet<>();
        Map<CommitId, CommitRecord> collected = new LinkedHashMap<>();
        CommitRecord headRecord = null;
        int lookup = FIRST_LOOKUP;
        int pages = 0;
        LogRequest request = LogRequest.first(logPageSize);
        while (!wanted.isEmpty()) {
            Page<CommitRecord> page = lakeFs.logCommits(repository, head.asRef(), request);
            pages++;
            List<CommitRecord> results = page.results();
            for (int i = 0; i < results.size() && !wanted.isEmpty(); i++) {
                CommitRecord c = results.get(i);
                listed.add(c.id());
                if (c.id().equals(head)) {
                    headRecord = c;
                }
                if (!wanted.remove(c.id())) {
                    continue;
                }
                if (!looked.contains(c.id())) {
                    List<CommitId> chunk = new ArrayList<>();
                    for (int j = i; j < results.size() && chunk.size() < lookup; j++) {
                        CommitId id = results.get(j).id();
                        if (looked.add(id)) {
                            chunk.add(id);
                        }
                    }
                    sent.addAll(database.findSentCommits(mirror, chunk));
                    lookup = Math.min(lookup * 2, logPageSize);
                }
                if (sent.contains(c.id())) {
                    continue;
                }
                collected.put(c.id(), c);
                for (CommitId parent : c.parents()) {
                    if (!listed.contains(parent)) {
                        wanted.add(parent);
                    }
                }
            }
            if (wanted.isEmpty()) {
                break;
            }
            if (!page.hasMore()) {
                throw new CorruptDataException("the log of " + head + " in " + repository + " ended without listing "
                        + wanted.size() + " ancestor(s), for example " + wanted.iterator().next()
                        + "; the branch is retried next cycle");
            }
            request = request.next(page);
        }
        // Another branch of this mirror may have recorded the head as sent since the check above.
        knownHeads.putIfAbsent(head, headRecord);
        return new Collected(parentsFirst(collected), headRecord, pages);
    }

    /**
     * Orders commits so that every commit comes after those of its parents that are in the list.
     * Log order is by date, which clock skew can make disagree with ancestry, hence a real
     * topological sort: depth-first from the oldest listed, parents in their lakeFS order.
     */
    static List<CommitRecord> parentsFirst(Map<CommitId, CommitRecord> inLogOrder) {
        List<CommitRecord> newestFirst = new ArrayList<>(inLogOrder.values());
        Collections.reverse(newestFirst);
        List<CommitRecord> out = new ArrayList<>(newestFirst.size());
        Set<CommitId> done = new HashSet<>();
        Map<CommitId, Integer> nextParent = new HashMap<>();
        Deque<CommitRecord> stack = new ArrayDeque<>();
        for (CommitRecord root : newestFirst) {
            if (done.contains(root.id())) {
                continue;
            }
            stack.push(root);
            while (!stack.isEmpty()) {
                CommitRecord top = stack.peek();
                int i = nextParent.getOrDefault(top.id(), 0);
                if (i < top.parents().size()) {
                    nextParent.put(top.id(), i + 1);
                    CommitRecord parent = inLogOrder.get(top.parents().get(i));
                    if (parent != null && !done.contains(parent.id())) {
                        stack.push(parent);
                    }
                } else {
                    stack.pop();
                    if (done.add(top.id())) {
                        out.add(top);
                    }
                }
            }
        }
        return out;
    }
}
