package io.lakemirror.benchmarks;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.GravelerWriter;
import io.lakemirror.graveler.sstable.SstableReader;
import io.lakemirror.graveler.sstable.TableRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads one 100,000-entry lakeFS range, written by our writer with realistic keys and entries.
 * {@code readRange} decodes every entry (the validator's and test server's path); {@code scanTable}
 * only walks the SSTable records, to separate container cost from protobuf decoding. The
 * {@code records} and {@code bytes} counters are per second: records/s and file bytes/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GravelerReadBenchmark {
    static final int ENTRIES = 100_000;

    /** {@code memory}: bytes in an array; {@code file}: a local file (page-cached after the first pass). */
    @Param({"memory", "file"})
    public String source;

    private byte[] range;
    private Path file;
    private ByteSource byteSource;

    /** Per-iteration counters reported as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long records;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void writeRange() throws IOException {
        range = GravelerWriter.writeRange(entries().iterator()).bytes();
        file = Files.createTempFile("graveler-range", ".sst");
        Files.write(file, range);
        byteSource = source.equals("file") ? ByteSource.of(file) : ByteSource.of("range", range);
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public void readRange(Rates rates, Blackhole sink) {
        Iterator<EntryRecord> it = GravelerReader.readRange(byteSource);
        long n = 0;
        while (it.hasNext()) {
            sink.consume(it.next());
            n++;
        }
        rates.records += n;
        rates.bytes += range.length;
    }

    @Benchmark
    public void scanTable(Rates rates, Blackhole sink) {
        Iterator<TableRecord> it = SstableReader.open(byteSource).iterator();
        long n = 0;
        while (it.hasNext()) {
            sink.consume(it.next());
            n++;
        }
        rates.records += n;
        rates.bytes += range.length;
    }

    /** Paths and entries shaped like a partitioned table imported into lakeFS. */
    static List<EntryRecord> entries() {
        Random random = new Random(7);
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        List<EntryRecord> out = new ArrayList<>(ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            String key = String.format("warehouse/events/date=2025-01-%02d/hour=%02d/part-%05d-%08x.parquet",
                    1 + i / 4000, i / 200 % 20, i % 200, random.nextInt());
            Entry entry = new Entry(String.format("data/g%016x/c%016x", random.nextLong(), random.nextLong()),
                    Entry.AddressType.RELATIVE, base.plusMillis(i * 1013L), 1_000_000 + random.nextInt(100_000_000),
                    String.format("%016x%016x", random.nextLong(), random.nextLong()),
                    i % 10 == 0 ? Map.of("writer", "spark-3.5") : Map.of(), i % 2 == 0 ? "application/octet-stream" : "");
            out.add(new EntryRecord(key, entry, null));
        }
        return out;
    }
}
