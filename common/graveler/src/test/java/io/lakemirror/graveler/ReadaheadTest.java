package io.lakemirror.graveler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.graveler.sstable.IndexType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads stay few and block-sized, as an S3 ranged-GET source needs. */
class ReadaheadTest {
    private static byte[] range;
    private static long count;
    private static String middleKey;

    @BeforeAll
    static void writeLargeRange() {
        GravelerWriter.WrittenRange largest = GravelerWriter.writeMetaRange(GravelerWriterTest.entries(40_000, 0).iterator())
                .ranges().stream().max(Comparator.comparingLong(r -> r.info().count())).orElseThrow();
        range = largest.bytes();
        count = largest.info().count();
        Iterator<EntryRecord> it = GravelerReader.readRange(ByteSource.of("largest", range));
        for (long i = 0; i < count / 2; i++) {
            it.next();
        }
        middleKey = it.next().key();
    }

    @Test
    void open_shouldReadOnlyTheEndOfTheFile() {
        CountingSource source = new CountingSource(range);

        GravelerFile file = GravelerFile.open(source);

        assertThat(file.table().indexType()).isEqualTo(IndexType.TWO_LEVEL);
        assertThat(source.reads).hasSize(1);
        assertThat(source.reads.get(0)[0] + source.reads.get(0)[1]).isEqualTo(range.length);
        assertThat(source.reads.get(0)[1]).isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void fullScan_shouldReadInGrowingSpans_notBlockByBlock() {
        CountingSource source = new CountingSource(range);
        GravelerFile file = GravelerFile.open(source);
        int dataBlocks = file.table().dataBlockHandles().size();
        source.reads.clear();

        long records = 0;
        for (Iterator<EntryRecord> it = file.entries(); it.hasNext(); it.next()) {
            records++;
        }

        assertThat(records).isEqualTo(count).isGreaterThan(20_000);
        long dataReads = source.reads.stream().filter(r -> r[1] > 4096 * 2).count();
        assertThat(dataReads).isLessThan(range.length / (128 * 1024) + 8);
        assertThat(source.reads.size()).isLessThan(dataBlocks / 4);
        assertThat(source.reads).allSatisfy(r -> assertThat(r[1]).isLessThanOrEqualTo(256 * 1024 + 4096));
    }

    @Test
    void seek_shouldReadLittle() {
        CountingSource source = new CountingSource(range);
        GravelerFile file = GravelerFile.open(source);
        source.reads.clear();

        EntryRecord found = file.entriesFrom(middleKey).next();

        assertThat(found.key()).isEqualTo(middleKey);
        assertThat(source.reads).hasSizeLessThanOrEqualTo(2);
        assertThat(source.reads.stream().mapToLong(r -> r[1]).sum()).isLessThanOrEqualTo(2 * 16 * 1024);
        assertThat(file.entriesFrom(middleKey + "\u0000").next().key()).isGreaterThan(middleKey);
    }

    /** Records every read as {offset, length}. */
    private static final class CountingSource implements ByteSource {
        private final ByteSource inner;
        final List<long[]> reads = new ArrayList<>();

        CountingSource(byte[] bytes) {
            inner = ByteSource.of("counted", bytes);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public byte[] read(long offset, int length) {
            reads.add(new long[] {offset, length});
            return inner.read(offset, length);
        }
    }
}
