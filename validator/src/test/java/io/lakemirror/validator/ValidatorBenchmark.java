package io.lakemirror.validator;

import io.lakemirror.aws.s3.S3BlockStore;
import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.blockstore.InMemoryBlockStore;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.graveler.GravelerWriter.WrittenRange;
import io.lakemirror.store.StoreFixtures;
import io.lakemirror.testkit.EmbeddedS3;
import io.lakemirror.testkit.S3Mock;
import io.lakemirror.testkit.S3ProxyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Not a test: what validating a head costs. A fresh metarange of 10,000 ranges is validated, then
 * follow-up commits that each changed one range. The bucket is an embedded S3 server through the S3
 * adapter (S3Mock, {@code s3mock}, the default, or S3Proxy, {@code s3proxy}) or the in-memory store
 * with a fixed latency per request ({@code memory}); the mirrors database and refstore are in memory
 * in all three.
 *
 * <pre>
 * mvn -q -pl validator -am install -DskipTests
 * mvn -q -pl validator exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.lakemirror.validator.ValidatorBenchmark -Dexec.args="s3proxy 10000"
 * mvn -q -pl validator exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.lakemirror.validator.ValidatorBenchmark -Dexec.args="memory 10000 10"
 * </pre>
 *
 * Arguments: store ({@code s3mock} | {@code s3proxy} | {@code memory}), number of ranges, and for {@code memory} the
 * milliseconds each request takes.
 */
public final class ValidatorBenchmark {
    private static final int FOLLOW_UPS = 5;

    private ValidatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String store = args.length > 0 ? args[0] : "s3mock";
        int ranges = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        long latencyMillis = args.length > 2 ? Long.parseLong(args[2]) : 10;

        long t0 = System.nanoTime();
        TestMetaRanges.prepare(ranges);
        WrittenMetaRange fresh = TestMetaRanges.write(ranges, j -> "v1");
        System.out.printf(Locale.ROOT, "wrote a metarange of %,d ranges (%,d bytes) in %,d ms%n", ranges,
                fresh.bytes().length, millisSince(t0));

        ValidatorFixture f = new ValidatorFixture();
        StorageNamespace ns = f.ns;
        EmbeddedS3 s3 = null;
        Uploader upload;
        BlockStore bucket;
        if (store.equals("s3mock") || store.equals("s3proxy")) {
            s3 = store.equals("s3mock") ? S3Mock.start() : S3ProxyServer.start();
            EmbeddedS3 server = s3;
            server.createBucket(ns.bucket());
            upload = (key, bytes) -> server.client().putObject(r -> r.bucket(ns.bucket()).key(key), RequestBody.fromBytes(bytes));
            bucket = new S3BlockStore(server.client());
        } else if (store.equals("memory")) {
            InMemoryBlockStore memory = new InMemoryBlockStore();
            upload = (key, bytes) -> memory.put(ns.bucket(), key, bytes);
            bucket = new SlowBlockStore(memory, Duration.ofMillis(latencyMillis));
        } else {
            throw new IllegalArgumentException("store is s3mock, s3proxy or memory, not " + store);
        }
        CountingBlockStore counted = new CountingBlockStore(bucket);
        try {
            long u0 = System.nanoTime();
            upload.put(ns.metadataKey(fresh.id()), fresh.bytes());
            fresh.ranges().parallelStream().forEach(r -> upload.put(ns.metadataKey(r.id()), r.bytes()));
            System.out.printf(Locale.ROOT, "uploaded %,d files in %,d ms%n", ranges + 1, millisSince(u0));

            Validator.Ports p = f.ports();
            Validator validator = new Validator(ValidatorFixture.options().withFileCheckThreads(
                    ValidatorOptions.DEFAULT_FILE_CHECK_THREADS), StoreFixtures.DESTINATION, ValidatorFixture.ORG,
                    new Validator.Ports(p.mirrors(), p.refstore(), p.queue(), counted, p.sourceCommits(), p.clock(),
                            p.meters()));
            try {
                List<String> rows = new ArrayList<>();
                CommitRecord head = f.commit(fresh.id());
                rows.add(run(f, validator, counted, 1, head, "fresh metarange, " + ranges + " ranges"));
                for (int k = 1; k <= FOLLOW_UPS; k++) {
                    int changed = (k * 1_237) % ranges;
                    int version = k;
                    WrittenMetaRange next = TestMetaRanges.write(ranges, j -> j == changed ? "v" + (version + 1) : "v1");
                    WrittenRange range = next.ranges().get(changed);
                    upload.put(ns.metadataKey(range.id()), range.bytes());
                    upload.put(ns.metadataKey(next.id()), next.bytes());
                    CommitRecord child = f.commit(Optional.of(next.id()), head.id());
                    rows.add(run(f, validator, counted, k + 1, child, "follow-up " + k + ": range " + changed + " changed"));
                    head = child;
                }
                System.out.println();
                System.out.println("store: " + (s3 != null ? s3 + " through S3BlockStore"
                        : "in-memory, " + latencyMillis + " ms per request") + "; file-check threads: "
                        + ValidatorOptions.DEFAULT_FILE_CHECK_THREADS + "; cores: " + Runtime.getRuntime().availableProcessors());
                System.out.println("| commit | HEAD | GET (ranged reads) | ranges from cache | wall time |");
                System.out.println("|---|---:|---:|---:|---:|");
                rows.forEach(System.out::println);
            } finally {
                validator.close();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    private static String run(ValidatorFixture f, Validator validator, CountingBlockStore counted, long sequence,
                              CommitRecord head, String label) {
        f.sensed(sequence, Optional.of(head.id()));
        counted.reset();
        double hitsBefore = f.counter("files.cache.hits");
        long started = System.nanoTime();
        Outcome outcome = validator.handle(ValidatorFixture.received(f.headMessage(sequence, head), 1));
        long millis = millisSince(started);
        if (!(outcome instanceof Outcome.Completed) || f.branch().validatedSequence() != sequence) {
            throw new IllegalStateException(label + ": not validated: " + outcome);
        }
        String row = String.format(Locale.ROOT, "| %s | %,d | %,d (%,d) | %,d | %,d ms |", label, counted.heads.get(),
                counted.opens.get(), counted.reads.get(), (long) (f.counter("files.cache.hits") - hitsBefore), millis);
        System.out.println(row);
        return row;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @FunctionalInterface
    private interface Uploader {
        void put(String key, byte[] bytes);
    }

    /** Counts requests: HEADs, opened objects, and ranged reads (each one GET against S3). */
    static final class CountingBlockStore implements BlockStore {
        final AtomicLong heads = new AtomicLong();
        final AtomicLong opens = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        private final BlockStore delegate;

        CountingBlockStore(BlockStore delegate) {
            this.delegate = delegate;
        }

        void reset() {
            heads.set(0);
            opens.set(0);
            reads.set(0);
        }

        @Override
        public Optional<Long> head(String bucket, String key) {
            heads.incrementAndGet();
            return delegate.head(bucket, key);
        }

        @Override
        public ByteSource open(String bucket, String key, long size) {
            opens.incrementAndGet();
            ByteSource source = delegate.open(bucket, key, size);
            return new ByteSource() {
                @Override
                public String name() {
                    return source.name();
                }

                @Override
                public long size() {
                    return source.size();
                }

                @Override
                public byte[] read(long offset, int length) {
                    reads.incrementAndGet();
                    return source.read(offset, length);
                }
            };
        }
    }

    /** The in-memory bucket with a fixed latency per request, standing in for S3 when S3Mock is not wanted. */
    static final class SlowBlockStore implements BlockStore {
        private final BlockStore delegate;
        private final Duration latency;

        SlowBlockStore(BlockStore delegate, Duration latency) {
            this.delegate = delegate;
            this.latency = latency;
        }

        @Override
        public Optional<Long> head(String bucket, String key) {
            pause();
            return delegate.head(bucket, key);
        }

        @Override
        public ByteSource open(String bucket, String key, long size) {
            ByteSource source = delegate.open(bucket, key, size);
            return new ByteSource() {
                @Override
                public String name() {
                    return source.name();
                }

                @Override
                public long size() {
                    return source.size();
                }

                @Override
                public byte[] read(long offset, int length) {
                    pause();
                    return source.read(offset, length);
                }
            };
        }

        /** A simulated S3 round trip: the reading thread blocks for the latency, as it would on the network. */
        private void pause() {
            long until = System.nanoTime() + latency.toNanos();
            for (long left = latency.toNanos(); left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
    }
}
