package io.lakemirror.graveler.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.graveler.Fixtures;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.sstable.SstableReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableInspectorTest {
    private static final JsonNode EXPECTED = Fixtures.json("lakefs-sstables/expected.json");

    @ParameterizedTest
    @ValueSource(strings = {"range.sst", "metarange.sst", "ok1.sst"})
    void summary_shouldReportWhatTheIndependentDecoderFound(String file) {
        JsonNode expected = EXPECTED.get(file);

        ObjectNode json = InspectionJson.summary(TableInspector.summarize(Fixtures.source("lakefs-sstables/" + file)));

        assertThat(json.get("id").asText()).isEqualTo(expected.get("computed_sstable_id").asText());
        assertThat(json.get("record_count").asLong()).isEqualTo(expected.get("record_count").asLong());
        assertThat(json.get("first_key").asText()).isEqualTo(expected.get("first_key").asText());
        assertThat(json.get("last_key").asText()).isEqualTo(expected.get("last_key").asText());
        assertThat(json.get("index_type").asText()).isEqualTo("single-level");
        assertThat(json.get("user_properties")).isEqualTo(expected.get("user_properties"));
        assertThat(json.at("/table_properties/rocksdb.num.entries").asLong()).isEqualTo(expected.get("record_count").asLong());
        assertThat(json.get("type").asText()).isEqualTo(expected.at("/user_properties/type").asText());
    }

    @Test
    void summary_shouldHaveNoWarnings_forCurrentLakeFsFiles() {
        assertThat(TableInspector.summarize(Fixtures.source("lakefs-sstables/range.sst")).warnings()).isEmpty();
        assertThat(TableInspector.summarize(Fixtures.source("lakefs-sstables/metarange.sst")).warnings()).isEmpty();
    }

    @Test
    void summary_shouldWarnAboutOk1sCorruptMinKeyAndOldIdentities() {
        TableSummary summary = TableInspector.summarize(Fixtures.source("lakefs-sstables/ok1.sst"));

        assertThat(summary.warnings()).containsExactly(
                "property min_key is hex:2b40b36ca8 but the first key is first (lakeFS never reads this property back)",
                "105 of 105 entry identities differ from the current lakeFS identity algorithm (written by an older"
                        + " lakeFS; they are reported as stored)");
    }

    @Test
    void summary_shouldDescribePlainTablesWithoutAnId() {
        ObjectNode json = InspectionJson.summary(TableInspector.summarize(
                Fixtures.source("pebble-sstables/h.no-compression.two_level_index.sst")));

        assertThat(json.get("type").isNull()).isTrue();
        assertThat(json.has("id")).isFalse();
        assertThat(json.get("index_type").asText()).isEqualTo("two-level");
        assertThat(json.get("record_count").asLong()).isEqualTo(1710);
        assertThat(json.at("/table_properties/rocksdb.index.partitions").asLong()).isEqualTo(3);
        assertThat(json.get("metaindex_keys")).hasSize(2);
    }

    @Test
    void recordJson_shouldShowEntriesRangesAndRawRecords() {
        ObjectNode entry = InspectionJson.entry(GravelerReader.readRange(Fixtures.source("lakefs-sstables/range.sst")).next());
        ObjectNode range = InspectionJson.range(GravelerReader.readMetaRange(Fixtures.source("lakefs-sstables/metarange.sst")).next());
        ObjectNode raw = InspectionJson.raw(SstableReader.open(Fixtures.source("pebble-sstables/h.sst")).iterator().next());

        assertThat(entry.toString()).isEqualTo("{\"key\":\"a/b/c/no\",\"identity\":"
                + "\"56fef3921aa6e7fd62bbe23b2f69db3f9049a54b6f2c7bd886b7eb1a6ca3ab3e\",\"identity_matches_entry\":true,"
                + "\"address\":\"b0c968736d8f42a2b1c6284835f08226\",\"address_type\":\"RELATIVE\","
                + "\"last_modified\":\"2021-08-05T11:39:44.471124555Z\",\"size\":11,"
                + "\"e_tag\":\"664c688b4ea9c56730daacfc3d70aeed\",\"metadata\":{},\"content_type\":\"\"}");
        assertThat(range.toString()).isEqualTo("{\"key\":\"a/b/c/yes\",\"range_id\":"
                + "\"a83af763ba098c15369d9d6d723731eb9ce18b8dfac4f88c6f1287e772393d0e\",\"min_key\":\"a/b/c/no\","
                + "\"max_key\":\"a/b/c/yes\",\"count\":2,\"estimated_size\":1190}");
        assertThat(raw.toString()).isEqualTo("{\"key_hex\":\"61\",\"sequence\":0,\"kind\":1,\"value_hex\":\"3937\"}");
    }

    @Test
    void commitJson_shouldExplainBadInput() {
        assertThatThrownBy(() -> CommitJson.parse("{\"committer\": "))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("the commit record is not valid JSON: ");
        assertThatThrownBy(() -> CommitJson.parse("[]"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> CommitJson.parse("{\"committer\":\"a\",\"message\":\"m\",\"metarange_id\":\"\","
                + "\"creation_date\":\"yesterday\",\"parents\":[]}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("field creation_date must be whole Unix seconds (an integer) but is \"yesterday\"");
        assertThatThrownBy(() -> CommitJson.parse("{\"committer\":\"a\",\"message\":\"m\",\"metarange_id\":\"\","
                + "\"creation_date\":1}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("field parents must be an array of commit IDs but is missing");
    }

    @Test
    void commitJson_shouldAcceptTheCommitApiFieldNameAndDefaultMetadata() {
        CommitJson commit = CommitJson.parse("{\"committer\":\"\",\"message\":\"Repository created\","
                + "\"meta_range_id\":\"\",\"creation_date\":1700000000,\"parents\":[],\"generation\":1}");

        assertThat(commit.metadata()).isEmpty();
        assertThat(commit.commitId()).hasSize(64);
    }
}
