package io.lakemirror.graveler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.graveler.inspect.CommitJson;
import io.lakemirror.identity.CommitIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommitIdsTest {

    static Stream<Arguments> vectors() {
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (JsonNode vector : Fixtures.json("lakefs-sstables/commit-id-vectors.json").get("vectors")) {
            out.add(Arguments.of(i++, vector));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "vector {0}")
    @MethodSource("vectors")
    void compute_shouldReproduceLakeFsCommitIds(int index, JsonNode vector) {
        Map<String, String> metadata = new LinkedHashMap<>();
        vector.get("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().asText()));
        List<String> parents = new ArrayList<>();
        vector.get("parents").forEach(p -> parents.add(p.asText()));

        String id = CommitIds.compute(vector.get("committer").asText(), vector.get("message").asText(),
                vector.get("metarange_id").asText(), vector.get("creation_date").asLong(), metadata, parents);

        assertThat(id).isEqualTo(vector.get("expected_commit_id").asText());
    }

    @ParameterizedTest(name = "vector {0}")
    @MethodSource("vectors")
    void commitJson_shouldComputeTheSameIdFromTheVectorAsGiven(int index, JsonNode vector) {
        assertThat(CommitJson.of(vector).commitId()).isEqualTo(vector.get("expected_commit_id").asText());
    }

    @Test
    void of_shouldHashTheRecordFieldsAndTreatAMissingMetaRangeAsEmpty() {
        CommitId parent = CommitId.of("a".repeat(64));
        CommitRecord withMetaRange = new CommitRecord(CommitId.of("0".repeat(64)), List.of(parent), "alice", "msg",
                Optional.of(MetaRangeId.of("b".repeat(64))), Instant.ofEpochSecond(1_700_000_000),
                Map.of("k", "v"), 7, 1);
        CommitRecord initial = new CommitRecord(CommitId.of("0".repeat(64)), List.of(), "", "Repository created",
                Optional.empty(), Instant.ofEpochSecond(1_700_000_000), Map.of(), 1, 1);

        assertThat(CommitIds.of(withMetaRange).value()).isEqualTo(CommitIds.compute("alice", "msg", "b".repeat(64),
                1_700_000_000, Map.of("k", "v"), List.of("a".repeat(64))));
        assertThat(CommitIds.of(initial).value()).isEqualTo(CommitIds.compute("", "Repository created", "",
                1_700_000_000, Map.of(), List.of()));
    }
}
