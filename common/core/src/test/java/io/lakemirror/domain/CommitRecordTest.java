package io.lakemirror.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommitRecordTest {
    private static final CommitId ID = CommitId.of("1".repeat(64));

    @Test
    void constructor_shouldRejectSubSecondDates_becauseLakeFsHashesWholeSeconds() {
        assertThatThrownBy(() -> commit(Instant.ofEpochSecond(10, 5), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("whole seconds");
    }

    @Test
    void constructor_shouldRejectUnknownVersion() {
        assertThatThrownBy(() -> commit(Instant.ofEpochSecond(10), 2)).hasMessageContaining("0 or 1");
    }

    @Test
    void metadata_shouldBeImmutableAndSortedCopy() {
        Map<String, String> metadata = new HashMap<>(Map.of("b", "2", "a", "1"));
        CommitRecord c = new CommitRecord(ID, List.of(), "me", "msg", Optional.empty(), Instant.ofEpochSecond(1),
                metadata, 1, 1);
        metadata.put("c", "3");
        assertThat(c.metadata()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThatThrownBy(() -> c.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static CommitRecord commit(Instant date, int version) {
        return new CommitRecord(ID, List.of(), "me", "msg", Optional.empty(), date, Map.of(), 1, version);
    }
}
