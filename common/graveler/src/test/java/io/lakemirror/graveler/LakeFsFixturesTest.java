package io.lakemirror.graveler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.graveler.sstable.ByteWriter;
import io.lakemirror.graveler.sstable.InternalKey;
import io.lakemirror.graveler.sstable.Printable;
import io.lakemirror.graveler.sstable.SstableProperties;
import io.lakemirror.graveler.sstable.SstableReader;
import io.lakemirror.graveler.sstable.TableRecord;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** lakeFS-written ranges and metaranges checked against the independent decoder's expected.json. */
class LakeFsFixturesTest {
    private static final JsonNode EXPECTED = Fixtures.json("lakefs-sstables/expected.json");
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @ValueSource(strings = {"range.sst", "metarange.sst", "ok1.sst"})
    void open_shouldDecodeFooterIndexAndEveryPropertyAsExpected(String file) {
        JsonNode expected = EXPECTED.get(file);
        SstableReader table = GravelerFile.open(Fixtures.source("lakefs-sstables/" + file)).table();

        assertThat(table.size()).isEqualTo(expected.get("size_bytes").asLong());
        assertThat(table.footer().checksumType()).isEqualTo(expected.at("/footer/checksum_type").asInt());
        assertThat(table.footer().formatVersion()).isEqualTo(expected.at("/footer/format_version").asInt());
        assertThat(table.metaIndexNames()).containsExactlyElementsOf(texts(expected.get("metaindex_keys")));
        assertThat(table.indexType().code()).isEqualTo(expected.get("index_type").asInt());
        assertThat(table.properties().number(SstableProperties.NUM_DATA_BLOCKS))
                .hasValue(expected.get("data_blocks").asLong());

        Map<String, String> user = new TreeMap<>();
        table.properties().userProperties().forEach((name, value) -> user.put(name, Printable.bytes(value)));
        assertThat(user).isEqualTo(textMap(expected.get("user_properties")));

        Map<String, String> rocksdb = new TreeMap<>();
        table.properties().all().forEach((name, value) -> {
            if (name.startsWith(SstableProperties.PREFIX)) {
                rocksdb.put(name, SstableProperties.encodingOf(name) == SstableProperties.Encoding.STRING
                        ? Printable.bytes(value) : table.properties().number(name).getAsLong() + "/" + HEX.formatHex(value));
            }
        });
        Map<String, String> expectedRocksdb = new TreeMap<>();
        expected.get("rocksdb_properties").fields().forEachRemaining(p -> expectedRocksdb.put(p.getKey(),
                p.getValue().get("encoding").asText().equals("string") ? p.getValue().get("value").asText()
                        : p.getValue().get("value").asLong() + "/" + p.getValue().get("hex").asText()));
        assertThat(rocksdb).isEqualTo(expectedRocksdb);
    }

    @ParameterizedTest
    @ValueSource(strings = {"range.sst", "metarange.sst", "ok1.sst"})
    void iterator_shouldYieldTheExpectedRecordsKeysAndTrailers(String file) {
        JsonNode expected = EXPECTED.get(file);
        SstableReader table = SstableReader.open(Fixtures.source("lakefs-sstables/" + file));

        List<TableRecord> records = new ArrayList<>();
        table.iterator().forEachRemaining(records::add);

        assertThat(records).hasSize(expected.get("record_count").asInt());
        assertThat(new String(records.get(0).key().userKey())).isEqualTo(expected.get("first_key").asText());
        assertThat(new String(records.get(records.size() - 1).key().userKey())).isEqualTo(expected.get("last_key").asText());
        byte[] trailer = new ByteWriter().writeFixed64LE(records.get(0).key().sequenceNumber() << 8
                | records.get(0).key().kind()).toByteArray();
        assertThat(HEX.formatHex(trailer)).isEqualTo(expected.get("key_trailer_hex").asText());
        assertThat(records).allSatisfy(r -> assertThat(r.key().kind()).isEqualTo(InternalKey.KIND_SET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"range.sst", "metarange.sst", "ok1.sst"})
    void computeId_shouldMatchTheIdRecomputedByTheIndependentDecoder(String file) {
        GravelerFile graveler = GravelerFile.open(Fixtures.source("lakefs-sstables/" + file));

        assertThat(graveler.computeId()).isEqualTo(EXPECTED.get(file).get("computed_sstable_id").asText());
    }

    @Test
    void computeId_ofRangeSst_shouldEqualTheRangeIdRecordedInMetarangeSst() {
        String rangeId = GravelerFile.open(Fixtures.source("lakefs-sstables/range.sst")).computeId();

        List<RangeInfo> ranges = list(GravelerReader.readMetaRange(Fixtures.source("lakefs-sstables/metarange.sst")));

        assertThat(ranges).singleElement().satisfies(r -> assertThat(r.id().value()).isEqualTo(rangeId));
        assertThat(rangeId).isEqualTo("a83af763ba098c15369d9d6d723731eb9ce18b8dfac4f88c6f1287e772393d0e");
    }

    @Test
    void readMetaRange_shouldDecodeRangeData() {
        JsonNode expected = EXPECTED.at("/metarange.sst/sample_records/0");

        RangeInfo range = list(GravelerReader.readMetaRange(Fixtures.source("lakefs-sstables/metarange.sst"))).get(0);

        assertThat(range.id().value()).isEqualTo(expected.get("range_id").asText());
        assertThat(new String(range.minKey())).isEqualTo(expected.at("/range_data/min_key").asText());
        assertThat(new String(range.maxKey())).isEqualTo(expected.at("/range_data/max_key").asText());
        assertThat(new String(range.maxKey())).isEqualTo(expected.get("key").asText());
        assertThat(range.estimatedSizeBytes()).isEqualTo(expected.at("/range_data/estimated_size").asLong());
        assertThat(range.count()).isEqualTo(expected.at("/range_data/count").asLong());
    }

    @Test
    void rangeFor_shouldFindTheFirstRangeWhoseMaxKeyIsAtLeastTheKey() {
        GravelerFile metaRange = GravelerFile.open(Fixtures.source("lakefs-sstables/metarange.sst"));

        assertThat(metaRange.rangeFor("a/b/c/m".getBytes())).hasValueSatisfying(r -> assertThat(r.id().value())
                .startsWith("a83af763"));
        assertThat(metaRange.rangeFor("a/b/c/yes".getBytes())).isPresent();
        assertThat(metaRange.rangeFor("a/b/c/yes0".getBytes())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"range.sst", "ok1.sst"})
    void readRange_shouldDecodeEntriesAndStoredIdentitiesAsExpected(String file) {
        JsonNode expected = EXPECTED.get(file);

        List<EntryRecord> records = list(GravelerReader.readRange(Fixtures.source("lakefs-sstables/" + file)));

        assertThat(records).hasSize(expected.get("record_count").asInt());
        for (JsonNode sample : expected.get("sample_records")) {
            EntryRecord record = records.stream().filter(r -> r.key().equals(sample.get("key").asText())).findFirst()
                    .orElseThrow();
            JsonNode entry = sample.get("entry");
            assertThat(HEX.formatHex(record.identity())).isEqualTo(sample.get("identity_hex").asText());
            assertThat(record.identityMatchesEntry()).isEqualTo(sample.get("identity_matches_current_algorithm").asBoolean());
            assertThat(record.entry().address()).isEqualTo(entry.get("address").asText());
            assertThat(record.entry().lastModified().getEpochSecond()).isEqualTo(entry.at("/last_modified/seconds").asLong());
            assertThat(record.entry().lastModified().getNano()).isEqualTo(entry.at("/last_modified/nanos").asInt());
            assertThat(record.entry().size()).isEqualTo(entry.get("size").asLong());
            assertThat(record.entry().eTag()).isEqualTo(entry.get("e_tag").asText());
            assertThat(record.entry().addressType().ordinal()).isEqualTo(entry.path("address_type").asInt(0));
            assertThat(record.entry().metadata()).isEmpty();
            assertThat(record.entry().contentType()).isEmpty();
        }
        assertThat(records.stream().allMatch(EntryRecord::identityMatchesEntry))
                .isEqualTo(expected.get("all_identities_match_current_algorithm").asBoolean());
    }

    @Test
    void readRange_shouldReportOk1IdentitiesAsStored_becauseAnOlderLakeFsHashedEntriesDifferently() {
        List<EntryRecord> records = list(GravelerReader.readRange(Fixtures.source("lakefs-sstables/ok1.sst")));

        assertThat(records).noneMatch(EntryRecord::identityMatchesEntry);
        assertThat(records).allSatisfy(r -> assertThat(r.identity()).hasSize(32));
        assertThat(records.get(0).key()).isEqualTo("first");
        assertThat(records.get(records.size() - 1).key()).isEqualTo("xyzzy");
    }

    @Test
    void userProperties_shouldKeepOk1sCorruptMinKeyAsStoredBytes() {
        GravelerFile ok1 = GravelerFile.open(Fixtures.source("lakefs-sstables/ok1.sst"));

        assertThat(ok1.userProperties().get(GravelerProperties.MIN_KEY)).isEqualTo(HEX.parseHex("2b40b36ca8"));
        assertThat(ok1.type()).contains(GravelerFileType.RANGES);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, String> textMap(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }

    static <T> List<T> list(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
