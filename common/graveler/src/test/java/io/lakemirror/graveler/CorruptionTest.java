package io.lakemirror.graveler;

import static io.lakemirror.graveler.LakeFsFixturesTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.graveler.sstable.SstableReader;
import io.lakemirror.graveler.sstable.TableRecord;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged files fail loudly, naming file and block; they never read as fewer or different records. */
class CorruptionTest {
    private static final byte[] RANGE = Fixtures.bytes("lakefs-sstables/range.sst");

    @ParameterizedTest(name = "byte {0} flipped → {1}")
    @CsvSource({
        "10, 'data block 0 (offset 0, 283 bytes): checksum mismatch'",
        "290, 'index block (offset 288, 23 bytes): checksum mismatch'",
        "600, 'properties block (offset 316, 770 bytes): checksum mismatch'",
        "1100, 'metaindex block (offset 1091, 33 bytes): checksum mismatch'",
        "1181, 'is not an SSTable'",
    })
    void reading_shouldNameTheFileAndBlock_whenOneByteIsFlipped(int offset, String expectedMessage) {
        ByteSource damaged = ByteSource.of("_lakefs/damaged-range", flipped(RANGE, offset));

        assertThatThrownBy(() -> list(GravelerReader.readRange(damaged)))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageStartingWith("_lakefs/damaged-range")
                .hasMessageContaining(expectedMessage);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"range.sst", "metarange.sst"})
    void reading_shouldFailOrYieldTheOriginalRecords_whicheverByteIsFlipped(String file) {
        byte[] original = Fixtures.bytes("lakefs-sstables/" + file);
        List<TableRecord> expected = list(SstableReader.open(ByteSource.of(file, original)).iterator());

        // Only the footer's zero padding is unprotected; flipping it must not change what is read.
        IntStream.range(0, original.length).forEach(offset -> {
            ByteSource damaged = ByteSource.of(file, flipped(original, offset));
            try {
                assertThat(list(SstableReader.open(damaged).iterator())).as("flip at %d", offset).isEqualTo(expected);
            } catch (CorruptDataException e) {
                assertThat(e.getMessage()).startsWith(file);
            }
        });
    }

    @Test
    void reading_shouldNeverYieldAShorterList_whenTheFileIsTruncatedAnywhere() {
        for (int length = 0; length < RANGE.length; length++) {
            byte[] truncated = Arrays.copyOf(RANGE, length);
            assertThatThrownBy(() -> list(GravelerReader.readRange(ByteSource.of("truncated", truncated))))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    void reading_shouldReportATruncatedRead_whenTheSourceReturnsLessThanItsSize() {
        ByteSource shortReads = new ByteSource() {
            @Override
            public String name() {
                return "s3://bucket/_lakefs/short";
            }

            @Override
            public long size() {
                return RANGE.length + 100;
            }

            @Override
            public byte[] read(long offset, int length) {
                return ByteSource.of("inner", RANGE).read(offset, length);
            }
        };

        assertThatThrownBy(() -> GravelerReader.readRange(shortReads))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("s3://bucket/_lakefs/short")
                .hasMessageContaining("truncated");
    }

    @Test
    void reading_shouldNameTheDataBlock_whenABlockDeepInAWrittenRangeIsDamaged() {
        byte[] bytes = GravelerWriter.writeMetaRange(GravelerWriterTest.entries(3_000, 0).iterator()).ranges().get(0).bytes();
        SstableReader healthy = SstableReader.open(ByteSource.of("ok", bytes));
        long blockOffset = healthy.dataBlockHandles().get(3).offset();

        ByteSource damaged = ByteSource.of("_lakefs/written", flipped(bytes, (int) blockOffset + 20));

        assertThatThrownBy(() -> list(GravelerReader.readRange(damaged)))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("_lakefs/written: data block 3 (offset " + blockOffset)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void reading_shouldPassSourceFailuresThroughUnchanged() {
        RetryableException throttled = new RetryableException("S3 throttled the request; it will be retried");
        ByteSource failing = new ByteSource() {
            private int reads;

            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public long size() {
                return RANGE.length;
            }

            @Override
            public byte[] read(long offset, int length) {
                if (reads++ > 0) {
                    throw throttled;
                }
                return ByteSource.of("inner", RANGE).read(offset, length);
            }
        };
        byte[] larger = GravelerWriter.writeMetaRange(GravelerWriterTest.entries(3_000, 0).iterator()).ranges().get(0).bytes();
        ByteSource failingLater = new ByteSource() {
            private int reads;

            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public long size() {
                return larger.length;
            }

            @Override
            public byte[] read(long offset, int length) {
                if (reads++ > 0) {
                    throw throttled;
                }
                return ByteSource.of("inner", larger).read(offset, length);
            }
        };

        assertThat(list(GravelerReader.readRange(failing))).hasSize(2);
        assertThatThrownBy(() -> list(GravelerReader.readRange(failingLater))).isSameAs(throttled);
    }

    @Test
    void open_shouldSayItIsNotAnSstable_forOtherFiles() {
        assertThatThrownBy(() -> GravelerReader.readRange(ByteSource.of("notes.txt", "hello".getBytes())))
                .isInstanceOf(CorruptDataException.class)
                .hasMessage("notes.txt is not an SSTable: its 5 bytes cannot hold the 53-byte footer");
        assertThatThrownBy(() -> GravelerReader.readRange(ByteSource.of("zeros", new byte[4096])))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("zeros is not an SSTable: the last 8 bytes are 0000000000000000");
    }

    @Test
    void readRange_shouldRefuseAMetaRangeAndAPlainTable() {
        assertThatThrownBy(() -> GravelerReader.readRange(Fixtures.source("lakefs-sstables/metarange.sst")))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("holds metaranges, not ranges");
        assertThatThrownBy(() -> GravelerReader.readMetaRange(Fixtures.source("pebble-sstables/h.sst")))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("not a lakeFS range or metarange (its type property is missing)");
    }

    private static byte[] flipped(byte[] original, int offset) {
        byte[] copy = original.clone();
        copy[offset] ^= 0x01;
        return copy;
    }
}
