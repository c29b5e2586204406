package io.lakemirror.graveler.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.graveler.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RocksDB-written tables from pebble's test data: every word of h.txt with its count, in order. */
class PebbleFixturesTest {
    private static List<String[]> expected;

    @BeforeAll
    static void readExpectedWords() throws IOException {
        expected = new ArrayList<>();
        for (String line : new String(Fixtures.bytes("pebble-sstables/h.txt"), StandardCharsets.UTF_8).split("\n")) {
            String trimmed = line.strip();
            int space = trimmed.indexOf(' ');
            expected.add(new String[] {trimmed.substring(space + 1), trimmed.substring(0, space)});
        }
    }

    static Stream<Arguments> tables() {
        return Stream.of(
                Arguments.of("h.sst", IndexType.SINGLE_LEVEL, List.of("rocksdb.properties", "rocksdb.range_del")),
                Arguments.of("h.no-compression.two_level_index.sst", IndexType.TWO_LEVEL,
                        List.of("rocksdb.properties", "rocksdb.range_del")),
                Arguments.of("h.table-bloom.sst", IndexType.SINGLE_LEVEL,
                        List.of("fullfilter.rocksdb.BuiltinBloomFilter", "rocksdb.properties", "rocksdb.range_del")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void iterator_shouldYieldEveryWordOfHTxtInOrder_whenReadingPebbleTestTables(String file, IndexType index,
                                                                                 List<String> metaIndex) {
        SstableReader reader = SstableReader.open(Fixtures.source("pebble-sstables/" + file));

        List<String[]> actual = new ArrayList<>();
        for (Iterator<TableRecord> it = reader.iterator(); it.hasNext(); ) {
            TableRecord record = it.next();
            assertThat(record.key().kind()).isEqualTo(InternalKey.KIND_SET);
            actual.add(new String[] {new String(record.key().userKey(), StandardCharsets.UTF_8),
                    new String(record.value(), StandardCharsets.UTF_8)});
        }

        assertThat(reader.indexType()).isEqualTo(index);
        assertThat(reader.metaIndexNames()).containsExactlyElementsOf(metaIndex);
        assertThat(actual).hasSize(1710);
        assertThat(actual).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void seek_shouldStartAtTheFirstKeyAtOrAfterTheTarget_forEveryWordAndBetweenWords(String file, IndexType index,
                                                                                     List<String> metaIndex) {
        SstableReader reader = SstableReader.open(Fixtures.source("pebble-sstables/" + file));

        for (int i = 0; i < expected.size(); i += 7) {
            String word = expected.get(i)[0];
            assertThat(firstKeyFrom(reader, word)).as("seek %s", word).isEqualTo(word);
            String justBefore = word.substring(0, word.length() - 1) + (char) (word.charAt(word.length() - 1) - 1) + "~";
            assertThat(firstKeyFrom(reader, justBefore)).as("seek %s", justBefore).isEqualTo(word);
        }
        assertThat(firstKeyFrom(reader, "")).isEqualTo("a");
        assertThat(reader.seek("zzz".getBytes(StandardCharsets.UTF_8)).hasNext()).isFalse();
    }

    private static String firstKeyFrom(SstableReader reader, String target) {
        Iterator<TableRecord> it = reader.seek(target.getBytes(StandardCharsets.UTF_8));
        return it.hasNext() ? new String(it.next().key().userKey(), StandardCharsets.UTF_8) : null;
    }
}
