package io.lakemirror.postgres;

import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.RefstoreContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The refstore contract against PostgreSQL (embedded); one database for the class, a fresh organization per test. */
class PostgresRefstoreIT extends RefstoreContract {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    private static PostgresDatabase database;

    @BeforeAll
    static void open() {
        database = PostgresDatabase.open(ConnectionString.parse(POSTGRES.server().newDatabase("refstore_it")),
                new PostgresDatabase.Pool(4, 1, Duration.ofMinutes(5)));
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected Refstore newRefstore() {
        return new PostgresRefstore(database, OrganizationId.of("org-" + ORGANIZATIONS.incrementAndGet()));
    }

    @Test
    void putCommits_shouldStoreOnlyTheNewOnes_andKeepEveryPromotedFlag_acrossOverlappingBatches() {
        MirrorId mirror = MirrorId.of("m1");
        List<CommitRecord> first = IntStream.range(1, 151).mapToObj(n -> commit(n, n - 1)).toList();
        refstore.putCommits(mirror, first);
        refstore.markPromoted(mirror, first.stream().map(CommitRecord::id).toList());
        List<CommitRecord> overlapping = IntStream.range(100, 251).mapToObj(n -> commit(n, n - 1)).toList();

        refstore.putCommits(mirror, overlapping);

        var stored = refstore.getCommits(mirror, IntStream.range(1, 251).mapToObj(n -> commitId(n)).toList());
        assertThat(stored).hasSize(250);
        assertThat(stored.values()).filteredOn(Refstore.StoredCommit::promoted).hasSize(150);
        assertThat(stored.get(commitId(250)).commit()).isEqualTo(commit(250, 249));
    }
}
