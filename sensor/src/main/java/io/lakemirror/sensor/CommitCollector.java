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
import java.util.function.Consumer;

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
 * <p><b>Long histories stream.</b> Up to {@code inMemoryLimit} collected commits are held and
 * returned parents first. Beyond that (the first sync of a long history) nothing is held: the walk
 * only counts, and the caller then walks again with {@link #stream} to send the commits as they are
 * listed, and a third time with {@link #streamIds} to record them as sent once every batch went
 * out. Each walk holds one log page, the wanted frontier and an 8-byte fingerprint per listed
 * commit, never the history itself.
 *
 * <p>Thread-safe; stateless between calls.
 */
final class CommitCollector {
    private static final int FIRST_LOOKUP = 16;
    /** The default of {@code inMemoryLimit}: about 2 MB of records, sent in one go. */
    static final int DEFAULT_IN_MEMORY_LIMIT = 2_000;

    private final LakeFs lakeFs;
    private final SensorStateWriter database;
    private final int logPageSize;
    private final int inMemoryLimit;

    CommitCollector(LakeFs lakeFs, SensorStateWriter database, int logPageSize) {
        this(lakeFs, database, logPageSize, DEFAULT_IN_MEMORY_LIMIT);
    }

    CommitCollector(LakeFs lakeFs, SensorStateWriter database, int logPageSize, int inMemoryLimit) {
        this.lakeFs = lakeFs;
        this.database = database;
        this.logPageSize = logPageSize;
        this.inMemoryLimit = inMemoryLimit;
    }

    /**
     * What a head needs sent.
     *
     * @param commits    commits the mirror lacks, parents first, when they were few enough to hold; empty
     *                   when {@link #streamed}
     * @param count      how many commits the mirror lacks
     * @param streamed   whether they were too many to hold, and must be walked again with {@link #stream}
     * @param head       the head's record, always
     * @param logPages   how many {@code logCommits} pages the walk read
     */
    record Collected(List<CommitRecord> commits, long count, boolean streamed, CommitRecord head, int logPages) {
        Collected {
            commits = List.copyOf(commits);
        }

        Collected(List<CommitRecord> commits, CommitRecord head, int logPages) {
            this(commits, commits.size(), false, head, logPages);
        }

        boolean headIsNew() {
            return streamed || !commits.isEmpty() && commits.get(commits.size() - 1).id().equals(head.id());
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
        Map<CommitId, CommitRecord> kept = new LinkedHashMap<>();
        long[] count = {0};
        Walk walk = walk(mirror, repository, head, c -> {
            count[0]++;
            if (count[0] <= inMemoryLimit) {
                kept.put(c.id(), c);
            } else if (!kept.isEmpty()) {
                kept.clear();
            }
        });
        // Another branch of this mirror may have recorded the head as sent since the check above.
        knownHeads.putIfAbsent(head, walk.head());
        if (count[0] > inMemoryLimit) {
            return new Collected(List.of(), count[0], true, walk.head(), walk.pages());
        }
        return new Collected(parentsFirst(kept), walk.head(), walk.pages());
    }

    /**
     * Walks {@code head}'s log again and hands every commit the mirror lacks to {@code sink}, newest
     * first as the log lists them (nothing is held), for a history {@link #collect} found too long.
     *
     * @return how many commits went to {@code sink}
     */
    long stream(MirrorId mirror, RepositoryId repository, CommitId head, Consumer<CommitRecord> sink) {
        long[] count = {0};
        walk(mirror, repository, head, c -> {
            count[0]++;
            sink.accept(c);
        });
        return count[0];
    }

    /**
     * Walks {@code head}'s log once more and hands the IDs of the commits the mirror lacks to
     * {@code sink}, one log page at a time (a page's IDs only after the page's lookups are done, so
     * recording them as sent cannot cut the walk short).
     */
    void streamIds(MirrorId mirror, RepositoryId repository, CommitId head, Consumer<List<CommitId>> sink) {
        List<CommitId> page = new ArrayList<>();
        walk(mirror, repository, head, c -> page.add(c.id()), () -> {
            if (!page.isEmpty()) {
                sink.accept(List.copyOf(page));
                page.clear();
            }
        });
    }

    /** What one walk saw besides the commits it handed on. */
    private record Walk(CommitRecord head, int pages) {
    }

    private Walk walk(MirrorId mirror, RepositoryId repository, CommitId head, Consumer<CommitRecord> collected) {
        return walk(mirror, repository, head, collected, () -> { });
    }

    /** The walk of the class comment; {@code pageDone} runs after each page, once its commits are handed on. */
    private Walk walk(MirrorId mirror, RepositoryId repository, CommitId head, Consumer<CommitRecord> collected,
                      Runnable pageDone) {
        Set<CommitId> wanted = new HashSet<>(Set.of(head));
        Fingerprints listed = new Fingerprints();
        CommitRecord headRecord = null;
        int lookup = FIRST_LOOKUP;
        int pages = 0;
        LogRequest request = LogRequest.first(logPageSize);
        while (!wanted.isEmpty()) {
            Page<CommitRecord> page = lakeFs.logCommits(repository, head.asRef(), request);
            pages++;
            // Each commit is listed once, so what was looked up is only needed for its own page.
            Set<CommitId> looked = new HashSet<>();
            Set<CommitId> sent = new HashSet<>();
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
                collected.accept(c);
                for (CommitId parent : c.parents()) {
                    if (!listed.contains(parent)) {
                        wanted.add(parent);
                    }
                }
            }
            pageDone.run();
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
        if (headRecord == null) {
            headRecord = lakeFs.getCommit(repository, head.asRef());
        }
        return new Walk(headRecord, pages);
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

    /**
     * The IDs a walk has listed, as 64-bit fingerprints (the 256-bit SHA-256 commit ID folded to 64
     * bits) in an open-addressed table: 8 to 16 bytes a commit instead of a {@code CommitId} object.
     * Two commits of one history sharing 64 bits of their hash would make the walk skip wanting the
     * second through a child listed after it; at 2^-64 per pair that is not worth a full set.
     */
    static final class Fingerprints {
        private long[] table = new long[1024];
        private int size;
        private boolean hasZero;

        void add(CommitId id) {
            long f = fingerprint(id);
            if (f == 0) {
                hasZero = true;
                return;
            }
            if ((size + 1) * 2 > table.length) {
                grow();
            }
            if (insert(table, f)) {
                size++;
            }
        }

        boolean contains(CommitId id) {
            long f = fingerprint(id);
            if (f == 0) {
                return hasZero;
            }
            int mask = table.length - 1;
            for (int i = mix(f) & mask; ; i = (i + 1) & mask) {
                if (table[i] == f) {
                    return true;
                }
                if (table[i] == 0) {
                    return false;
                }
            }
        }

        int size() {
            return size + (hasZero ? 1 : 0);
        }

        private static boolean insert(long[] into, long f) {
            int mask = into.length - 1;
            for (int i = mix(f) & mask; ; i = (i + 1) & mask) {
                if (into[i] == f) {
                    return false;
                }
                if (into[i] == 0) {
                    into[i] = f;
                    return true;
                }
            }
        }

        private void grow() {
            long[] bigger = new long[table.length * 2];
            for (long f : table) {
                if (f != 0) {
                    insert(bigger, f);
                }
            }
            table = bigger;
        }

        private static int mix(long f) {
            return (int) (f ^ (f >>> 32));
        }

        /** The four 64-bit words of the 256-bit ID mixed into one (multiplicatively, so no pattern of words cancels). */
        static long fingerprint(CommitId id) {
            String hex = id.value();
            long f = 0;
            for (int word = 0; word < 4; word++) {
                f = (f ^ Long.parseUnsignedLong(hex, word * 16, word * 16 + 16, 16)) * 0x9E3779B97F4A7C15L;
                f ^= f >>> 29;
            }
            return f;
        }
    }
}
