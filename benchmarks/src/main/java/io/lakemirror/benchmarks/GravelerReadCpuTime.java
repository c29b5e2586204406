package io.lakemirror.benchmarks;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.GravelerWriter;
import io.lakemirror.graveler.sstable.SstableReader;
import io.lakemirror.graveler.sstable.TableRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Iterator;
import java.util.function.ToLongFunction;

/**
 * The reads of {@link GravelerReadBenchmark} timed in CPU time of the reading thread instead of
 * wall-clock time. Use it on a shared or busy machine, where JMH's wall-clock throughput mostly
 * measures the other processes. Not a substitute for JMH on a quiet machine: no forks, plain
 * warm-up. Run: {@code java -cp benchmarks/target/benchmarks.jar io.lakemirror.benchmarks.GravelerReadCpuTime}.
 */
public final class GravelerReadCpuTime {
    private static final int WARMUP_PASSES = 15;
    private static final int MEASURED_PASSES = 20;

    private GravelerReadCpuTime() {
    }

    public static void main(String[] args) {
        byte[] range = GravelerWriter.writeRange(GravelerReadBenchmark.entries().iterator()).bytes();
        ByteSource source = ByteSource.of("range", range);
        System.out.printf("range: %d entries, %d bytes%n", GravelerReadBenchmark.ENTRIES, range.length);
        measure("readRange", range.length, s -> count(GravelerReader.readRange(s)), source);
        measure("scanTable", range.length, s -> count(SstableReader.open(s).iterator()), source);
    }

    private static void measure(String name, long bytes, ToLongFunction<ByteSource> pass, ByteSource source) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARMUP_PASSES; i++) {
            pass.applyAsLong(source);
        }
        long records = 0;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < MEASURED_PASSES; i++) {
            records += pass.applyAsLong(source);
        }
        double seconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
        System.out.printf("%s: %.0f records per CPU-second, %.1f MB per CPU-second (%d passes, %.2f CPU-s)%n",
                name, records / seconds, bytes * MEASURED_PASSES / seconds / 1e6, MEASURED_PASSES, seconds);
    }

    private static <T> long count(Iterator<T> it) {
        long n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        return n;
    }
}
