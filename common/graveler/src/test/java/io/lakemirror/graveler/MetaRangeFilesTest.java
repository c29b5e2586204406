package io.lakemirror.graveler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.blockstore.CommitFiles;
import io.lakemirror.blockstore.InMemoryBlockStore;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.StorageNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MetaRangeFilesTest {
    private static final StorageNamespace NS = StorageNamespace.of("s3://bucket-eu/repos/sales");

    private final InMemoryBlockStore store = new InMemoryBlockStore();
    private final GravelerWriter.WrittenMetaRange metaRange = GravelerWriter.writeMetaRange(IntStream.range(0, 3)
            .mapToObj(i -> new EntryRecord("data/" + i, new Entry("address-" + i, Entry.AddressType.RELATIVE,
                    Instant.parse("2026-12-07T00:00:00Z"), 1, "etag-" + i, Map.of(), ""), null))
            .iterator());
    private final MetaRangeFiles files = new MetaRangeFiles(store, 5);

    @Test
    void check_shouldBeComplete_whenTheMetarangeAndEveryRangeArePresent() {
        upload(true, true);

        assertThat(files.check(NS, Optional.of(metaRange.id())).complete()).isTrue();
    }

    @Test
    void check_shouldNameTheRange_whenARangeIsMissing() {
        upload(true, false);

        CommitFiles.Presence presence = files.check(NS, Optional.of(metaRange.id()));

        assertThat(presence.complete()).isFalse();
        assertThat(presence.missingCount()).isEqualTo(metaRange.ranges().size());
        assertThat(presence.firstMissing()).containsExactlyElementsOf(metaRange.ranges().stream()
                .map(r -> NS.metadataKey(r.id())).toList());
    }

    @Test
    void check_shouldNameTheMetarange_whenItIsMissing() {
        upload(false, true);

        assertThat(files.check(NS, Optional.of(metaRange.id())))
                .isEqualTo(new CommitFiles.Presence(1, List.of(NS.metadataKey(metaRange.id()))));
    }

    @Test
    void check_shouldFindNothingToWaitFor_whenTheCommitHasNoMetarange() {
        assertThat(files.check(NS, Optional.empty()).complete()).isTrue();
        assertThat(store.requests()).isEmpty();
    }

    @Test
    void ranges_shouldRefuseBadBytes_namingTheKey_whenTheMetarangeIsCorrupt() {
        MetaRangeId id = metaRange.id();
        store.put(NS.bucket(), NS.metadataKey(id), "not a metarange".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> MetaRangeFiles.ranges(store, NS, id, MetaRangeFiles.Requests.NONE))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(NS.metadataKey(id))
                .hasMessageContaining("checked again later");
    }

    private void upload(boolean withMetaRange, boolean withRanges) {
        if (withMetaRange) {
            store.put(NS.bucket(), NS.metadataKey(metaRange.id()), metaRange.bytes());
        }
        if (withRanges) {
            metaRange.ranges().forEach(r -> store.put(NS.bucket(), NS.metadataKey(r.id()), r.bytes()));
        }
    }
}
