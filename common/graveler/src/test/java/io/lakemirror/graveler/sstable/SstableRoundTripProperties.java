package io.lakemirror.graveler.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.blockstore.ByteSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Tables written by {@link SstableWriter} read back exactly, for key sets from empty to 50,000
 * records, through single-level and two-level indexes, compressed and plain blocks.
 */
class SstableRoundTripProperties {
    private static final String INDEX = "index type";

    /**
     * The records come from a seeded generator rather than jqwik lists: 50,000 generated and shrunk
     * elements would make the property slow, while a failing seed and size still reproduce exactly.
     */
    @Property(tries = 25)
    void writtenTables_shouldReadBackIdenticallyAndSeekCorrectly(@ForAll("recordCounts") int count, @ForAll long seed) {
        NavigableMap<byte[], byte[]> records = records(count, new Random(seed));
        SstableWriter writer = new SstableWriter();
        records.forEach(writer::add);
        byte[] file = writer.finish(Map.of("type", "ranges".getBytes()));

        SstableReader reader = SstableReader.open(ByteSource.of("generated", file));
        List<Map.Entry<byte[], byte[]>> read = new ArrayList<>(count);
        reader.iterator().forEachRemaining(r -> read.add(Map.entry(r.key().userKey(), r.value())));

        Statistics.label(INDEX).collect(reader.indexType());
        Statistics.label(INDEX).coverage(coverage -> {
            coverage.check(IndexType.SINGLE_LEVEL).count(n -> n > 0);
            coverage.check(IndexType.TWO_LEVEL).count(n -> n > 0);
        });
        assertThat(read).hasSize(count);
        Iterator<Map.Entry<byte[], byte[]>> expected = records.entrySet().iterator();
        for (Map.Entry<byte[], byte[]> actual : read) {
            Map.Entry<byte[], byte[]> want = expected.next();
            assertThat(actual.getKey()).isEqualTo(want.getKey());
            assertThat(actual.getValue()).isEqualTo(want.getValue());
        }
        assertThat(reader.properties().number(SstableProperties.NUM_ENTRIES)).hasValue(count);
        assertThat(reader.properties().userProperties()).containsKey("type");
        checkSeeks(reader, records, new Random(seed + 1));
    }

    @Property
    void separators_shouldSortBetweenTheBlockAndTheNextKey(@ForAll byte[] a, @ForAll byte[] b) {
        if (Arrays.equals(a, b)) {
            return;
        }
        byte[] low = Arrays.compareUnsigned(a, b) < 0 ? a : b;
        byte[] high = low == a ? b : a;

        byte[] separator = KeySeparators.shortestBetween(low, high);
        byte[] successor = KeySeparators.shortSuccessor(low);

        assertThat(Arrays.compareUnsigned(low, separator)).isLessThanOrEqualTo(0);
        assertThat(Arrays.compareUnsigned(separator, high)).isLessThan(0);
        assertThat(separator.length).isLessThanOrEqualTo(low.length);
        assertThat(Arrays.compareUnsigned(low, successor)).isLessThanOrEqualTo(0);
    }

    /** Uniform, because jqwik otherwise keeps numbers small for few tries; two-level indexes start near 8,500 records. */
    @Provide
    Arbitrary<Integer> recordCounts() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(0, 1, 2, 16, 17)),
                Tuple.of(4, Arbitraries.integers().between(1, 5_000).withDistribution(RandomDistribution.uniform())),
                Tuple.of(4, Arbitraries.integers().between(10_000, 50_000).withDistribution(RandomDistribution.uniform())));
    }

    private static void checkSeeks(SstableReader reader, NavigableMap<byte[], byte[]> records, Random random) {
        List<byte[]> keys = new ArrayList<>(records.keySet());
        for (int i = 0; i < 50; i++) {
            byte[] target = !keys.isEmpty() && random.nextBoolean() ? keys.get(random.nextInt(keys.size()))
                    : randomKey(random);
            byte[] expected = records.ceilingKey(target);
            Iterator<TableRecord> it = reader.seek(target);
            if (expected == null) {
                assertThat(it.hasNext()).isFalse();
            } else {
                assertThat(it.next().key().userKey()).isEqualTo(expected);
            }
        }
    }

    /**
     * Keys share prefixes (so blocks prefix-compress) and use 0x00 and 0xff often (the edge cases of
     * separators); values are empty, small, occasionally larger than a block, compressible or not.
     */
    private static NavigableMap<byte[], byte[]> records(int count, Random random) {
        NavigableMap<byte[], byte[]> records = new TreeMap<>(Arrays::compareUnsigned);
        while (records.size() < count) {
            records.put(randomKey(random), randomValue(random));
        }
        return records;
    }

    private static byte[] randomKey(Random random) {
        String[] prefixes = {"", "data/", "data/2024/", "tables/events/part=", "\u00ff\u00ff"};
        byte[] prefix = prefixes[random.nextInt(prefixes.length)].getBytes(StandardCharsets.ISO_8859_1);
        byte[] key = Arrays.copyOf(prefix, prefix.length + random.nextInt(24));
        for (int i = prefix.length; i < key.length; i++) {
            int pick = random.nextInt(10);
            key[i] = (byte) (pick == 0 ? 0x00 : pick == 1 ? 0xff : pick < 6 ? 'a' + random.nextInt(26) : random.nextInt(256));
        }
        return key;
    }

    private static byte[] randomValue(Random random) {
        int length = random.nextInt(1000) == 0 ? 6_000 + random.nextInt(4_000) : random.nextInt(64);
        byte[] value = new byte[length];
        if (random.nextBoolean()) {
            random.nextBytes(value);
        } else {
            Arrays.fill(value, (byte) ('a' + random.nextInt(4)));
        }
        return value;
    }
}
