package io.lakemirror.graveler;

import static io.lakemirror.graveler.LakeFsFixturesTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.graveler.GravelerWriter.WrittenRange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GravelerWriterTest {
    private static final Instant MTIME = Instant.parse("2024-05-06T07:08:09.123456789Z");

    @Test
    void writeMetaRange_shouldReproduceLakeFsFilesByteForByte_whenGivenTheEntriesOfRangeSst() {
        List<EntryRecord> entries = list(GravelerReader.readRange(Fixtures.source("lakefs-sstables/range.sst")));

        WrittenMetaRange written = GravelerWriter.writeMetaRange(entries.iterator());

        assertThat(written.ranges()).singleElement().satisfies(range -> {
            assertThat(range.id().value()).isEqualTo("a83af763ba098c15369d9d6d723731eb9ce18b8dfac4f88c6f1287e772393d0e");
            assertThat(range.bytes()).isEqualTo(Fixtures.bytes("lakefs-sstables/range.sst"));
            assertThat(range.info().estimatedSizeBytes()).isEqualTo(1190);
        });
        assertThat(written.id().value()).isEqualTo("732d4016245c5547113e0cd0f1a588fc55e36c21f460ac670cca4396922f5c11");
        assertThat(written.bytes()).isEqualTo(Fixtures.bytes("lakefs-sstables/metarange.sst"));
    }

    @Test
    void writeMetaRange_shouldKeepGivenIdentities_soOk1sRangeIdIsReproduced() {
        List<EntryRecord> entries = list(GravelerReader.readRange(Fixtures.source("lakefs-sstables/ok1.sst")));

        WrittenMetaRange written = GravelerWriter.writeMetaRange(entries.iterator());

        assertThat(written.ranges()).singleElement().satisfies(range -> assertThat(range.id().value())
                .isEqualTo(GravelerFile.open(Fixtures.source("lakefs-sstables/ok1.sst")).computeId()));
        assertThat(list(GravelerReader.readRange(ByteSource.of("rewritten ok1", written.ranges().get(0).bytes()))))
                .isEqualTo(entries);
    }

    @Test
    void writeMetaRange_shouldWriteAnEmptyMetaRangeWithLakeFsId_whenThereAreNoEntries() {
        WrittenMetaRange written = GravelerWriter.writeMetaRange(List.<EntryRecord>of().iterator());

        assertThat(written.ranges()).isEmpty();
        assertThat(written.id().value()).isEqualTo("00fb7eff1a97c500eb3ca8d2ef5464131d6b6a5f9512e41eba97843522213b66");
        assertThat(list(GravelerReader.readMetaRange(ByteSource.of("empty", written.bytes())))).isEmpty();
        assertThat(GravelerFile.open(ByteSource.of("empty", written.bytes())).computeId()).isEqualTo(written.id().value());
    }

    @Test
    void writeMetaRange_shouldRoundTripEntriesAndIds_acrossRangesSplitAfterFnvBoundaryKeys() {
        // About one key in 50,000 ends a range: keep a few thousand keys around the first three such keys.
        List<String> all = keys(160_000);
        List<Integer> boundaries = new ArrayList<>();
        for (int i = 0; i < all.size() && boundaries.size() < 3; i++) {
            if (Long.remainderUnsigned(RangeBreakPolicy.fnv1a64(utf8(all.get(i))), 50_000) == 0) {
                boundaries.add(i);
            }
        }
        List<String> kept = new ArrayList<>(all.subList(0, 500));
        for (int boundary : boundaries) {
            kept.addAll(all.subList(Math.max(500, boundary - 700), boundary + 300));
        }
        List<EntryRecord> input = entriesFor(kept, 0);

        WrittenMetaRange written = GravelerWriter.writeMetaRange(input.iterator());

        assertThat(boundaries).hasSize(3);
        assertThat(written.ranges()).map(r -> new String(r.info().maxKey(), StandardCharsets.UTF_8)).containsExactly(
                all.get(boundaries.get(0)), all.get(boundaries.get(1)), all.get(boundaries.get(2)),
                input.get(input.size() - 1).key());
        assertThat(list(GravelerReader.readMetaRange(ByteSource.of("metarange", written.bytes()))))
                .isEqualTo(written.ranges().stream().map(WrittenRange::info).toList());
        GravelerFile metaRange = GravelerFile.open(ByteSource.of("metarange", written.bytes()));
        assertThat(metaRange.computeId()).isEqualTo(written.id().value());
        for (WrittenRange range : written.ranges()) {
            assertThat(metaRange.rangeFor(range.info().minKey())).contains(range.info());
        }
        List<EntryRecord> readBack = new ArrayList<>();
        for (WrittenRange range : written.ranges()) {
            ByteSource source = ByteSource.of(range.id().value(), range.bytes());
            assertThat(GravelerFile.open(source).computeId()).isEqualTo(range.id().value());
            GravelerReader.readRange(source).forEachRemaining(readBack::add);
        }
        assertThat(readBack).isEqualTo(input.stream()
                .map(r -> new EntryRecord(r.key(), r.entry(), r.entry().identity())).toList());
    }

    @Test
    void writeMetaRange_shouldCloseARangeOnceItReaches20MiB() {
        List<EntryRecord> input = entries(400, 64 * 1024);

        WrittenMetaRange written = GravelerWriter.writeMetaRange(input.iterator());

        // The estimate that triggers the break counts the last block uncompressed, so the file may end a little short.
        assertThat(written.ranges()).hasSize(2);
        assertThat(written.ranges().get(0).bytes().length).isBetween((20 << 20) - 128 * 1024, (20 << 20) + 128 * 1024);
        assertThat(written.ranges().stream().mapToLong(r -> r.info().count()).sum()).isEqualTo(400);
    }

    @Test
    void writeRange_shouldKeepAllEntriesInOneRange_evenAcrossFnvBoundaries() {
        List<String> all = keys(160_000);
        int boundary = 0;
        while (Long.remainderUnsigned(RangeBreakPolicy.fnv1a64(utf8(all.get(boundary))), 50_000) != 0) {
            boundary++;
        }
        List<EntryRecord> input = entriesFor(all.subList(boundary - 1_000, boundary + 1_000), 0);

        WrittenRange range = GravelerWriter.writeRange(input.iterator());

        assertThat(range.info().count()).isEqualTo(2_000);
        assertThat(GravelerFile.open(ByteSource.of("one", range.bytes())).computeId()).isEqualTo(range.id().value());
        assertThat(GravelerWriter.writeMetaRange(input.iterator()).ranges()).hasSize(2);
        assertThatThrownBy(() -> GravelerWriter.writeRange(List.<EntryRecord>of().iterator()))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void writeMetaRange_shouldBeDeterministic() {
        List<EntryRecord> input = entries(5_000, 100);

        assertThat(GravelerWriter.writeMetaRange(input.iterator()).bytes())
                .isEqualTo(GravelerWriter.writeMetaRange(input.iterator()).bytes());
    }

    @Test
    void writeMetaRange_shouldRejectUnsortedOrDuplicateKeys() {
        Entry entry = entry(1, Map.of());
        Iterator<EntryRecord> unsorted = List.of(new EntryRecord("b", entry, null), new EntryRecord("a", entry, null)).iterator();
        Iterator<EntryRecord> duplicate = List.of(new EntryRecord("a", entry, null), new EntryRecord("a", entry, null)).iterator();

        assertThatThrownBy(() -> GravelerWriter.writeMetaRange(unsorted)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"a\" follows \"b\"");
        assertThatThrownBy(() -> GravelerWriter.writeMetaRange(duplicate)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void writeMetaRange_shouldOrderKeysByUtf8Bytes() {
        Entry entry = entry(1, Map.of());
        // "\uFF21" < "\uD83D\uDE00" in UTF-8 bytes although String.compareTo says the opposite.
        List<EntryRecord> input = List.of(new EntryRecord("\uFF21", entry, null), new EntryRecord("\uD83D\uDE00", entry, null));

        WrittenMetaRange written = GravelerWriter.writeMetaRange(input.iterator());

        assertThat(list(GravelerReader.readRange(ByteSource.of("r", written.ranges().get(0).bytes())))
                .stream().map(EntryRecord::key)).containsExactly("\uFF21", "\uD83D\uDE00");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Object paths in byte order. */
    static List<String> keys(int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add("tables/part=" + (i % 1000 / 10 + 100) + "/file-" + (10_000_000 + i) + ".parquet");
        }
        keys.sort((a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b)));
        return keys;
    }

    static List<EntryRecord> entries(int count, int padding) {
        return entriesFor(keys(count), padding);
    }

    /** Entries with varied metadata, content and address types; {@code padding} bytes of random metadata each. */
    static List<EntryRecord> entriesFor(List<String> keys, int padding) {
        Random random = new Random(42);
        List<EntryRecord> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Map<String, String> metadata = i % 3 == 0 ? Map.of("owner", "team-" + i % 7) : Map.of();
            if (padding > 0) {
                byte[] noise = new byte[padding / 2];
                random.nextBytes(noise);
                metadata = Map.of("noise", HexFormat.of().formatHex(noise));
            }
            Entry entry = new Entry(i % 5 == 0 ? "s3://bucket/imported/" + i : "data/gabc" + i,
                    i % 5 == 0 ? Entry.AddressType.FULL : Entry.AddressType.RELATIVE, MTIME.plusSeconds(i),
                    random.nextInt(1 << 20), Long.toHexString(random.nextLong()), metadata,
                    i % 4 == 0 ? "application/octet-stream" : "");
            out.add(new EntryRecord(keys.get(i), entry, null));
        }
        return out;
    }

    private static Entry entry(long size, Map<String, String> metadata) {
        return new Entry("data/x", Entry.AddressType.RELATIVE, MTIME, size, "etag", metadata, "");
    }
}
