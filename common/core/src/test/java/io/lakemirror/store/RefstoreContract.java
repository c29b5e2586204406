package io.lakemirror.store;

import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.StorageNamespace;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link Refstore} must have; {@link #newRefstore()} returns an empty, isolated store. */
public abstract class RefstoreContract {
    private static final MirrorId MIRROR = MirrorId.of("m1");
    protected Refstore refstore;

    protected abstract Refstore newRefstore();

    @BeforeEach
    void setUpRefstore() {
        refstore = newRefstore();
    }

    @Test
    void putCommits_shouldStoreRecordsExactly() {
        CommitRecord merge = commit(3, 1, 2);

        refstore.putCommits(MIRROR, List.of(commit(1), commit(2), merge));

        Map<CommitId, Refstore.StoredCommit> found = refstore.getCommits(MIRROR, List.of(commitId(3), commitId(9)));
        assertThat(found).containsOnlyKeys(commitId(3));
        assertThat(found.get(commitId(3)).commit()).isEqualTo(merge);
        assertThat(found.get(commitId(3)).promoted()).isFalse();
    }

    @Test
    void putCommits_shouldNotClearThePromotedFlag_whenRepeated() {
        refstore.putCommits(MIRROR, List.of(commit(1)));
        refstore.markPromoted(MIRROR, List.of(commitId(1), commitId(42)));

        refstore.putCommits(MIRROR, List.of(commit(1)));

        assertThat(refstore.getCommits(MIRROR, List.of(commitId(1))).get(commitId(1)).promoted()).isTrue();
        assertThat(refstore.getCommits(MIRROR, List.of(commitId(42)))).isEmpty();
    }

    @Test
    void evictCommits_shouldRemoveTheRecords_soThatAnotherCopyCanBeStored() {
        CommitRecord stored = commit(1);
        CommitRecord other = new CommitRecord(stored.id(), stored.parents(), stored.committer(), "another message",
                stored.metaRangeId(), stored.creationDate(), stored.metadata(), stored.generation(), stored.version());
        refstore.putCommits(MIRROR, List.of(stored, commit(2, 1)));
        refstore.markPromoted(MIRROR, List.of(commitId(2)));

        refstore.evictCommits(MIRROR, List.of(commitId(1), commitId(2), commitId(42)));
        refstore.putCommits(MIRROR, List.of(other));

        Map<CommitId, Refstore.StoredCommit> found = refstore.getCommits(MIRROR, List.of(commitId(1), commitId(2)));
        assertThat(found).containsOnlyKeys(commitId(1));
        assertThat(found.get(commitId(1)).commit().message()).isEqualTo("another message");
        assertThat(found.get(commitId(1)).promoted()).isFalse();
    }

    @Test
    void getCommits_shouldHandleManyIdsAtOnce() {
        List<CommitRecord> many = IntStream.range(1, 301).mapToObj(n -> commit(n, n - 1)).toList();
        refstore.putCommits(MIRROR, many);

        assertThat(refstore.getCommits(MIRROR, many.stream().map(CommitRecord::id).toList())).hasSize(300);
    }

    @Test
    void commits_shouldBeSeparatedPerMirror_andRemovedWithIt() {
        refstore.putCommits(MIRROR, List.of(commit(1)));
        refstore.putCommits(MirrorId.of("m2"), List.of(commit(2)));

        refstore.deleteMirror(MIRROR);

        assertThat(refstore.getCommits(MIRROR, List.of(commitId(1)))).isEmpty();
        assertThat(refstore.getCommits(MirrorId.of("m2"), List.of(commitId(2)))).hasSize(1);
    }

    @Test
    void presence_shouldBeRememberedPerNamespace() {
        StorageNamespace a = StorageNamespace.of("s3://bucket/a");
        StorageNamespace b = StorageNamespace.of("s3://bucket/b");

        refstore.recordPresent(a, List.of("r1", "r2"), T0);

        assertThat(refstore.knownPresent(a, List.of("r1", "r3"))).containsExactly("r1");
        assertThat(refstore.knownPresent(b, List.of("r1"))).isEmpty();
    }

    @Test
    void checkedPresent_shouldTellWhenEachFileWasLastFoundPresent() {
        StorageNamespace ns = StorageNamespace.of("s3://bucket/checked");
        refstore.recordPresent(ns, List.of("r1", "r2"), T0);
        refstore.recordPresent(ns, List.of("r2"), T0.plusSeconds(60));

        Map<String, java.time.Instant> checked = refstore.checkedPresent(ns, List.of("r1", "r2", "r3"));

        assertThat(checked).containsExactlyInAnyOrderEntriesOf(Map.of("r1", T0, "r2", T0.plusSeconds(60)));
        assertThat(refstore.checkedPresent(StorageNamespace.of("s3://bucket/other"), List.of("r1"))).isEmpty();
    }

    @Test
    void forgetPresent_shouldForgetOnlyThoseFiles_ofThatNamespace() {
        StorageNamespace ns = StorageNamespace.of("s3://bucket/forget");
        StorageNamespace other = StorageNamespace.of("s3://bucket/keep");
        refstore.recordPresent(ns, List.of("r1", "r2"), T0);
        refstore.recordPresent(other, List.of("r1"), T0);

        refstore.forgetPresent(ns, List.of("r1", "absent"));

        assertThat(refstore.knownPresent(ns, List.of("r1", "r2"))).containsExactly("r2");
        assertThat(refstore.knownPresent(other, List.of("r1"))).containsExactly("r1");
    }

    @Test
    void putCommits_shouldAcceptTheSameRecordTwiceInOneCall() {
        refstore.putCommits(MIRROR, List.of(commit(1), commit(1)));

        assertThat(refstore.getCommits(MIRROR, List.of(commitId(1), commitId(1)))).containsOnlyKeys(commitId(1));
    }

    @Test
    void presence_shouldHandleManyFilesAtOnce() {
        StorageNamespace ns = StorageNamespace.of("s3://bucket/many");
        List<String> files = IntStream.range(0, 260).mapToObj(n -> String.format("%064x", n)).toList();

        refstore.recordPresent(ns, files, T0);

        assertThat(refstore.knownPresent(ns, files)).hasSize(260);
    }
}
