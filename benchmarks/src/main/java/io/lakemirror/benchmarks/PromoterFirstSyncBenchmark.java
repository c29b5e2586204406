package io.lakemirror.benchmarks;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Page;
import io.lakemirror.logging.Logging;
import io.lakemirror.promoter.BranchPromoter;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.Refstore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: the promoter's first sync of a long linear history (100,000 commits by default) into an
 * empty mirror, in one {@code BranchPromoter.promote} call, to show what it holds in memory. Run it
 * under {@code -Xmx256m}: it prints the wall time, the heap in use after each garbage collection
 * (the largest is the peak live set, fakes included), the fakes' own footprint measured before the
 * sync, and the collections.
 *
 * <p>The fakes are built to hold almost nothing themselves, so that what the heap shows is the
 * promoter's: the refstore keeps only the commit IDs of the history and rebuilds each record from its
 * position on demand (the records are real, their IDs computed with {@link CommitIds}); the mirror
 * lakeFS keeps a bit per commit created and checks that every commit arrives after its parent.
 *
 * <pre>{@code
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar io.lakemirror.benchmarks.PromoterFirstSyncBenchmark [commits]
 * }</pre>
 */
public final class PromoterFirstSyncBenchmark {
    private static final Region SOURCE = Region.of("us-east-1");
    private static final Region DESTINATION = Region.of("eu-west-1");
    private static final RepositoryId SOURCE_REPO = RepositoryId.of("source-repo");
    private static final RepositoryId MIRROR_REPO = RepositoryId.of("mirror-repo");
    private static final MirrorId MIRROR = MirrorId.of("m1");
    private static final BranchId MAIN = BranchId.of("main");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PromoterFirstSyncBenchmark() {
    }

    public static void main(String[] args) {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Logging.configure("WARN", "text");
        System.out.printf("first sync of a %,d-commit linear history; max heap %d MiB, %s%n", commits,
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.version"));

        long setupStart = System.nanoTime();
        History history = new History(commits);
        MirrorLakeFs mirror = new MirrorLakeFs(history);
        InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
        MirrorSpec spec = new MirrorSpec(MIRROR, MIRROR_REPO, SOURCE_REPO, SOURCE, DESTINATION,
                StorageNamespace.of("s3://bucket-eu/source-repo"), MAIN, T0, "admin", Optional.empty());
        db.createMirror(spec);
        db.putStatus(new MirrorStatus(MIRROR, MirrorState.ACTIVE, "", T0), Set.of(MirrorState.CREATING), true);
        CommitId head = history.id(commits - 1);
        db.recordValidated(MIRROR, MAIN, new BranchState.Validated(1, Optional.of(head), T0, T0, commits));
        BranchPromoter promoter = new BranchPromoter(DESTINATION, "bench", db, history, mirror.lakeFs(),
                region -> unusedSource(), Clock.systemUTC(), Duration.ofSeconds(60));
        System.out.printf("setup (computing %,d commit IDs): %.1f s%n", commits, (System.nanoTime() - setupStart) / 1e9);

        long baseline = liveHeapAfterGc();
        GcWatch gc = new GcWatch();
        long start = System.nanoTime();
        BranchPromoter.Outcome outcome = promoter.promote(MIRROR, MAIN);
        double seconds = (System.nanoTime() - start) / 1e9;
        gc.stop();
        long after = liveHeapAfterGc();

        if (outcome != BranchPromoter.Outcome.PROMOTED || mirror.created.cardinality() != commits
                || !mirror.head.equals(Optional.of(head))) {
            throw new IllegalStateException("first sync incomplete: " + outcome + ", " + mirror.created.cardinality()
                    + " of " + commits + " commits created, head " + mirror.head);
        }
        System.out.printf("outcome %s: %,d commit records created parents first, branch at the head%n", outcome,
                mirror.created.cardinality());
        System.out.printf("wall time %.1f s (%,.0f commits/s); refstore reads %,d (%,d records), marks %,d%n", seconds,
                commits / seconds, history.reads.get(), history.recordsRead.get(), history.marks.get());
        System.out.printf("heap live after GC: before the sync %.1f MiB (the fakes), peak during it %.1f MiB, after %.1f MiB%n",
                mib(baseline), mib(Math.max(gc.peakLiveAfterGc, baseline)), mib(after));
        System.out.printf("so the promoter held at most %.1f MiB beyond the fakes; %d collections, %d ms in GC%n",
                mib(Math.max(0, gc.peakLiveAfterGc - baseline)), gc.collections, gc.millis);
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static long liveHeapAfterGc() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static LakeFs unusedSource() {
        return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("bounded")) {
                        return proxy;
                    }
                    throw new UnsupportedOperationException("the benchmark's source lakeFS is never read: " + method);
                });
    }

    /**
     * A linear history held as its commit IDs only, and a {@link Refstore} over it that rebuilds
     * each record from its position: the records the promoter reads are real and hash to their IDs.
     */
    private static final class History implements Refstore {
        private final CommitId[] ids;
        private final Map<CommitId, Integer> positions;
        private final BitSet promoted = new BitSet();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong recordsRead = new AtomicLong();
        final AtomicLong marks = new AtomicLong();

        History(int length) {
            ids = new CommitId[length];
            positions = new HashMap<>(length * 2);
            for (int i = 0; i < length; i++) {
                ids[i] = CommitIds.of(shape(i, i == 0 ? null : ids[i - 1]));
                positions.put(ids[i], i);
            }
        }

        CommitId id(int position) {
            return ids[position];
        }

        int position(CommitId id) {
            Integer p = positions.get(id);
            if (p == null) {
                throw new IllegalStateException("not a commit of the history: " + id);
            }
            return p;
        }

        private static CommitRecord shape(int i, CommitId parent) {
            String placeholder = "0".repeat(64);
            return new CommitRecord(CommitId.of(placeholder), parent == null ? List.of() : List.of(parent),
                    "data-team-bot@example.com", "nightly ingestion of partition " + i + " (events, clicks, orders)",
                    Optional.of(MetaRangeId.of(String.format("%064x", 0xabc000000L + i))), T0.plusSeconds(i),
                    Map.of("pipeline", "ingest", "partition", Integer.toString(i)), i + 1, 1);
        }

        CommitRecord record(int i) {
            CommitRecord shape = shape(i, i == 0 ? null : ids[i - 1]);
            return new CommitRecord(ids[i], shape.parents(), shape.committer(), shape.message(), shape.metaRangeId(),
                    shape.creationDate(), shape.metadata(), shape.generation(), shape.version());
        }

        @Override
        public void putCommits(MirrorId mirror, Collection<CommitRecord> commits) {
            commits.forEach(c -> position(c.id()));
        }

        @Override
        public synchronized Map<CommitId, StoredCommit> getCommits(MirrorId mirror, Collection<CommitId> wanted) {
            reads.incrementAndGet();
            Map<CommitId, StoredCommit> found = new HashMap<>();
            for (CommitId id : wanted) {
                Integer p = positions.get(id);
                if (p != null) {
                    recordsRead.incrementAndGet();
                    found.put(id, new StoredCommit(record(p), promoted.get(p)));
                }
            }
            return found;
        }

        @Override
        public synchronized void markPromoted(MirrorId mirror, Collection<CommitId> wanted) {
            marks.incrementAndGet();
            wanted.forEach(id -> promoted.set(position(id)));
        }

        @Override
        public void evictCommits(MirrorId mirror, Collection<CommitId> evicted) {
            throw new IllegalStateException("every record of the benchmark hashes to its ID; nothing to evict");
        }

        @Override
        public void deleteMirror(MirrorId mirror) {
            promoted.clear();
        }

        @Override
        public Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
            return Set.of();
        }

        @Override
        public void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
            // the promoter never records presence
        }
    }

    /** The mirror's lakeFS: a bit per commit created, refusing a commit whose parent is not there yet. */
    private static final class MirrorLakeFs {
        private final History history;
        final BitSet created = new BitSet();
        volatile Optional<CommitId> head = Optional.empty();
        private volatile CommitId fence;

        MirrorLakeFs(History history) {
            this.history = history;
        }

        LakeFs lakeFs() {
            return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "bounded" -> proxy;
                        case "createCommitRecord" -> {
                            create((CommitRecord) args[1]);
                            yield null;
                        }
                        case "getCommit" -> throw new NotFoundException("commit " + args[1] + " is not on the mirror");
                        case "getBranch" -> new Branch(MAIN, head.orElseThrow(() -> new NotFoundException(
                                "branch main not found")));
                        // The promoter moves main through a fence ref (FencedMove): the hidden ref names
                        // the head, then main is pointed at the ref.
                        case "listBranches" -> Page.last(List.of());
                        case "createHiddenBranch" -> {
                            fence = CommitId.of(((Ref) args[2]).value());
                            yield fence;
                        }
                        case "deleteBranch" -> null;
                        case "createBranch", "hardResetBranch" -> {
                            head = Optional.of(fence);
                            yield method.getName().equals("createBranch") ? head.get() : null;
                        }
                        case "toString" -> "benchmark mirror lakeFS";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private synchronized void create(CommitRecord commit) {
            if (!CommitIds.of(commit).equals(commit.id())) {
                throw new InvalidInputException("commit ID does not match its content");
            }
            int p = history.position(commit.id());
            if (created.get(p)) {
                throw new AlreadyExistsException("commit exists");
            }
            if (p > 0 && !created.get(p - 1)) {
                throw new IllegalStateException("commit " + p + " created before its parent");
            }
            created.set(p);
        }
    }
}
