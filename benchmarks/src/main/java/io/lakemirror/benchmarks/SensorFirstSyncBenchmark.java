package io.lakemirror.benchmarks;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.logging.Logging;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.sensor.CommitSensor;
import io.lakemirror.sensor.CycleReport;
import io.lakemirror.sensor.SensorSettings;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SensorStateWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: the sensor's first sync of a long linear history (100,000 commits by default) for a
 * new mirror, in one scan cycle ({@code CommitSensor.runOnce}), to show what the sensor holds in
 * memory. Run it under {@code -Xmx256m}: it prints the wall time, the lakeFS log pages and sent-state
 * lookups, what went to the queue, the heap in use after each garbage collection (the largest is the
 * peak live set, fakes included) and the fakes' own footprint measured before the sync.
 *
 * <p>The fakes are built to hold almost nothing themselves, so that what the heap shows is the
 * sensor's: the source lakeFS keeps only the commit IDs of the history and rebuilds each record from
 * its position when a log page is read (real records, whose IDs are computed with {@link CommitIds});
 * the sent-commit set is a bit per commit; the queue decodes and counts every message, then drops it.
 *
 * <pre>{@code
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar io.lakemirror.benchmarks.SensorFirstSyncBenchmark [commits]
 * }</pre>
 */
public final class SensorFirstSyncBenchmark {
    private static final Region SOURCE = Region.of("us-east-1");
    private static final Region DESTINATION = Region.of("eu-west-1");
    private static final RepositoryId SOURCE_REPO = RepositoryId.of("source-repo");
    private static final MirrorId MIRROR = MirrorId.of("m1");
    private static final BranchId MAIN = BranchId.of("main");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String NAMESPACE = "s3://bucket-us/source-repo";

    private SensorFirstSyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Logging.configure("WARN", "text");
        System.out.printf("sensor's first sync of a %,d-commit linear history; max heap %d MiB, %s%n", commits,
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.version"));

        long setupStart = System.nanoTime();
        History history = new History(commits);
        InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
        MirrorSpec spec = new MirrorSpec(MIRROR, RepositoryId.of("mirror-repo"), SOURCE_REPO, SOURCE, DESTINATION,
                StorageNamespace.of("s3://bucket-eu/source-repo"), MAIN, T0, "admin", Optional.empty(),
                Optional.of(new MirrorSpec.SourceIdentity(T0, NAMESPACE)));
        db.createMirror(spec);
        db.putStatus(new MirrorStatus(MIRROR, MirrorState.ACTIVE, "", T0), Set.of(), true);
        CountingQueue queue = new CountingQueue();
        SensorSettings settings = new SensorSettings(SOURCE, OrganizationId.of("bench"), Duration.ofMinutes(1), 4,
                1000, 1000, false, 1000, Duration.ofMinutes(10), "bench-sensor", SensorSettings.DEFAULT_MAX_MESSAGE_BYTES);
        System.out.printf("setup (computing %,d commit IDs): %.1f s%n", commits, (System.nanoTime() - setupStart) / 1e9);

        try (CommitSensor sensor = new CommitSensor(settings, history.lakeFs(), history.sentCommitsOver(db), queue,
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            long baseline = liveHeapAfterGc();
            GcWatch gc = new GcWatch();
            long start = System.nanoTime();
            CycleReport report = sensor.runOnce();
            double seconds = (System.nanoTime() - start) / 1e9;
            gc.stop();
            long after = liveHeapAfterGc();

            SensorBranchState state = db.getSensorBranchState(MIRROR, MAIN).orElseThrow();
            if (queue.commits.get() != commits || queue.lastBatches.get() != 1 || !state.sent()
                    || history.sent.cardinality() != commits || report.mirrorsFailed() != 0) {
                throw new IllegalStateException("first sync incomplete: " + report + "; " + queue.commits.get()
                        + " commits in " + queue.messages.get() + " messages, " + queue.lastBatches.get()
                        + " last batches, " + history.sent.cardinality() + " recorded as sent, state " + state);
            }
            System.out.printf("sequence %d sent: %,d commits in %,d messages (%.1f MiB, largest %,d bytes),"
                            + " head %s%n", state.sequence(), queue.commits.get(), queue.messages.get(),
                    queue.bytes.get() / (1024.0 * 1024.0), queue.largest.get(), state.head().orElseThrow());
            System.out.printf("wall time %.1f s (%,.0f commits/s); lakeFS: %,d log pages, %,d other calls; sent-state"
                            + " lookups %,d, records %,d%n", seconds, commits / seconds, history.logPages.get(),
                    history.otherCalls.get(), history.lookups.get(), history.records.get());
            System.out.printf("heap live after GC: before the sync %.1f MiB (the fakes), peak during it %.1f MiB,"
                    + " after %.1f MiB%n", mib(baseline), mib(Math.max(gc.peakLiveAfterGc, baseline)), mib(after));
            System.out.printf("so the sensor held at most %.1f MiB beyond the fakes; %d collections, %d ms in GC%n",
                    mib(Math.max(0, gc.peakLiveAfterGc - baseline)), gc.collections, gc.millis);
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static long liveHeapAfterGc() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    /**
     * A linear history held as its commit IDs only: the source lakeFS over it rebuilds each record
     * from its position, and the sent-commit set is a bit per position.
     */
    private static final class History {
        private final CommitId[] ids;
        private final Map<CommitId, Integer> positions;
        final BitSet sent = new BitSet();
        final AtomicLong logPages = new AtomicLong();
        final AtomicLong otherCalls = new AtomicLong();
        final AtomicLong lookups = new AtomicLong();
        final AtomicLong records = new AtomicLong();

        History(int length) {
            ids = new CommitId[length];
            positions = new HashMap<>(length * 2);
            for (int i = 0; i < length; i++) {
                ids[i] = CommitIds.of(shape(i, i == 0 ? null : ids[i - 1]));
                positions.put(ids[i], i);
            }
        }

        private static CommitRecord shape(int i, CommitId parent) {
            return new CommitRecord(CommitId.of("0".repeat(64)), parent == null ? List.of() : List.of(parent),
                    "data-team-bot@example.com", "nightly ingestion of partition " + i + " (events, clicks, orders)",
                    Optional.of(MetaRangeId.of(String.format("%064x", 0xabc000000L + i))), T0.plusSeconds(i),
                    Map.of("pipeline", "ingest", "partition", Integer.toString(i)), i + 1, 1);
        }

        CommitRecord record(int i) {
            records.incrementAndGet();
            CommitRecord shape = shape(i, i == 0 ? null : ids[i - 1]);
            return new CommitRecord(ids[i], shape.parents(), shape.committer(), shape.message(), shape.metaRangeId(),
                    shape.creationDate(), shape.metadata(), shape.generation(), shape.version());
        }

        int position(CommitId id) {
            Integer p = positions.get(id);
            if (p == null) {
                throw new NotFoundException("commit " + id + " is not in the source repository");
            }
            return p;
        }

        /** {@code logCommits} newest first from {@code ref}, after {@code request.after()}. */
        Page<CommitRecord> log(Ref ref, LogRequest request) {
            logPages.incrementAndGet();
            int from = request.after().map(a -> position(a) - 1).orElseGet(() -> position(CommitId.of(ref.value())));
            List<CommitRecord> page = new ArrayList<>(request.amount());
            for (int i = from; i >= 0 && page.size() < request.amount(); i--) {
                page.add(record(i));
            }
            int next = from - page.size();
            return next >= 0 ? new Page<>(page, true, page.get(page.size() - 1).id().value()) : Page.last(page);
        }

        LakeFs lakeFs() {
            CommitId head = ids[ids.length - 1];
            return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "logCommits" -> log((Ref) args[1], (LogRequest) args[2]);
                        case "listBranches" -> {
                            otherCalls.incrementAndGet();
                            yield Page.last(List.of(new Branch(MAIN, head)));
                        }
                        case "getCommit" -> {
                            otherCalls.incrementAndGet();
                            yield record(position(CommitId.of(((Ref) args[1]).value())));
                        }
                        case "getRepository" -> {
                            otherCalls.incrementAndGet();
                            yield new Repository(SOURCE_REPO, NAMESPACE, MAIN, T0, false);
                        }
                        case "bounded" -> proxy;
                        case "toString" -> "benchmark source lakeFS";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        /** The mirrors database, with the sent-commit set kept as a bit per position. */
        SensorStateWriter sentCommitsOver(InMemoryMirrorsDatabase db) {
            return (SensorStateWriter) Proxy.newProxyInstance(SensorStateWriter.class.getClassLoader(),
                    new Class<?>[] {SensorStateWriter.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "findSentCommits" -> {
                                lookups.incrementAndGet();
                                Set<CommitId> found = new HashSet<>();
                                for (Object id : (Collection<?>) args[1]) {
                                    if (sent.get(position((CommitId) id))) {
                                        found.add((CommitId) id);
                                    }
                                }
                                return found;
                            }
                            case "recordSentCommits" -> {
                                synchronized (sent) {
                                    for (Object id : (Collection<?>) args[1]) {
                                        sent.set(position((CommitId) id));
                                    }
                                }
                                return null;
                            }
                            default -> {
                                try {
                                    return method.invoke(db, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            }
                        }
                    });
        }
    }

    /** The destination's queue: decodes and counts every message, keeps none. */
    private static final class CountingQueue implements CommitsQueue {
        final AtomicLong messages = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong largest = new AtomicLong();
        final AtomicLong lastBatches = new AtomicLong();

        @Override
        public void send(Region destination, List<OutgoingMessage> outgoing) {
            for (OutgoingMessage m : outgoing) {
                CommitsDetected decoded = CommitsDetectedCodec.decode(m.body());
                long size = m.body().getBytes(StandardCharsets.UTF_8).length;
                messages.incrementAndGet();
                commits.addAndGet(decoded.commits().size() + decoded.claimChecked().size());
                bytes.addAndGet(size);
                largest.accumulateAndGet(size, Math::max);
                lastBatches.addAndGet(decoded.lastBatch() ? 1 : 0);
            }
        }

        @Override
        public List<ReceivedMessage> receive(int max, Duration wait) {
            throw new UnsupportedOperationException("the sensor only sends");
        }

        @Override
        public void delete(ReceivedMessage message) {
            throw new UnsupportedOperationException("the sensor only sends");
        }

        @Override
        public void retryLater(ReceivedMessage message, Duration delay) {
            throw new UnsupportedOperationException("the sensor only sends");
        }

        @Override
        public void deadLetter(ReceivedMessage message, String reason) {
            throw new UnsupportedOperationException("the sensor only sends");
        }

        @Override
        public long approximateDepth() {
            return 0;
        }

        @Override
        public void extendVisibility(ReceivedMessage message, Duration visibility) {
            throw new UnsupportedOperationException("the sensor only sends");
        }

        @Override
        public Duration visibilityTimeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public OptionalInt maxReceiveCount() {
            return OptionalInt.empty();
        }
    }
}
