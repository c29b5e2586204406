package io.lakemirror.postgres;

import static io.lakemirror.store.StoreFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.MirrorsDatabaseContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mirrors-database contract against PostgreSQL (embedded, one server for the JVM), plus what only
 * the adapter has: schema migrations, the schema-version guard and error translation. One database
 * for the class; each test gets a fresh organization, which partitions every key.
 */
class PostgresMirrorsDatabaseIT extends MirrorsDatabaseContract {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    private static String connection;
    private static PostgresDatabase database;

    @BeforeAll
    static void open() {
        connection = POSTGRES.server().newDatabase("mirrors_it");
        database = PostgresDatabase.open(ConnectionString.parse(connection), new PostgresDatabase.Pool(8, 2, Duration.ofMinutes(5)));
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
    }

    private static OrganizationId freshOrganization() {
        return OrganizationId.of("org-" + ORGANIZATIONS.incrementAndGet());
    }

    @Override
    protected MirrorsDatabase newDatabase() {
        return new PostgresMirrorsDatabase(database, freshOrganization());
    }

    @Test
    void open_shouldMigrateOnce_whenSeveralProcessesStartAtOnce() throws Exception {
        String fresh = POSTGRES.server().newDatabase("concurrent_it");
        int starters = 6;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        List<PostgresDatabase> opened = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PostgresDatabase>> results = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                Callable<PostgresDatabase> open = () -> {
                    start.await();
                    return PostgresDatabase.open(ConnectionString.parse(fresh), new PostgresDatabase.Pool(2, 0, Duration.ofMinutes(5)));
                };
                results.add(pool.submit(open));
            }
            start.countDown();
            for (Future<PostgresDatabase> result : results) {
                opened.add(result.get(60, TimeUnit.SECONDS));
            }
            Integer applied = opened.get(0).inTransaction("count migrations", c -> {
                try (Statement s = c.createStatement(); var r = s.executeQuery("SELECT count(*) FROM lakemirror_schema_migrations")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertThat(applied).isEqualTo(SchemaMigrations.MIGRATIONS.size());
            new PostgresMirrorsDatabase(opened.get(1), freshOrganization()).createMirror(spec("m1", "mirror-one"));
        } finally {
            opened.forEach(PostgresDatabase::close);
            pool.shutdownNow();
        }
    }

    @Test
    void open_shouldRefuseADatabase_migratedByANewerLakemirror() {
        String fresh = POSTGRES.server().newDatabase("newer_it");
        try (PostgresDatabase first = PostgresDatabase.open(ConnectionString.parse(fresh), new PostgresDatabase.Pool(2, 0, Duration.ofMinutes(5)))) {
            first.inTransaction("pretend a newer version", c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO lakemirror_schema_migrations (version, description) VALUES (?, 'future')")) {
                    s.setInt(1, SchemaMigrations.latestVersion() + 1);
                    return s.executeUpdate();
                }
            });
        }

        assertThatThrownBy(() -> PostgresDatabase.open(ConnectionString.parse(fresh), new PostgresDatabase.Pool(2, 0, Duration.ofMinutes(5))))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("schema version " + (SchemaMigrations.latestVersion() + 1))
                .hasMessageContaining("upgrade this process");
    }

    @Test
    void getMirror_shouldFailClearly_whenANewerLakemirrorWroteTheItem() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        db.createMirror(spec("m1", "mirror-one"));
        database.inTransaction("write a newer item", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE lakemirror_mirror_specs SET spec = jsonb_set(spec, '{schema_version}', '2')"
                    + " WHERE organization = ?")) {
                s.setString(1, org.value());
                return s.executeUpdate();
            }
        });

        assertThatThrownBy(() -> db.getMirror(MirrorId.of("m1")))
                .isExactlyInstanceOf(NonRetryableException.class)
                .hasMessageContaining("schema_version 2")
                .hasMessageContaining("upgrade this process");
    }

    @Test
    void getMirror_shouldMirrorTags_whenTheSpecPredatesTheFlag() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        db.createMirror(spec("m1", "mirror-one").withMirrorTags(false));
        database.inTransaction("write a spec of before issue 23", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE lakemirror_mirror_specs SET spec = spec - 'mirror_tags'"
                    + " WHERE organization = ?")) {
                s.setString(1, org.value());
                return s.executeUpdate();
            }
        });

        assertThat(db.getMirror(MirrorId.of("m1")).orElseThrow().spec().mirrorTags()).isTrue();
    }

    @Test
    void calls_shouldBeRetryable_andNameTheDatabase_whenTheDatabaseIsUnreachable() {
        PostgresDatabase unreachable = PostgresDatabase.openWithoutMigrating(ConnectionString.parse(
                "postgres://lakemirror:s3cr3t@p@127.0.0.1:1/nowhere"), new PostgresDatabase.Pool(1, 0, Duration.ofMinutes(5)));
        try {
            MirrorsDatabase db = new PostgresMirrorsDatabase(unreachable, freshOrganization());

            assertThatThrownBy(() -> db.getMirror(MirrorId.of("m1")))
                    .isInstanceOf(RetryableException.class)
                    .hasMessageStartingWith("PostgreSQL postgres://lakemirror:******@127.0.0.1:1/nowhere: getMirror(m1) failed")
                    .hasMessageEndingWith("the caller retries with backoff")
                    .message().doesNotContain("s3cr3t");
        } finally {
            unreachable.close();
        }
    }

    @Test
    void writes_shouldAppendToTheChangeLog_withGaplessSequences_underConcurrentWriters() throws Exception {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        int writers = 8;
        int writesEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                MirrorId id = MirrorId.of("gapless-" + w);
                done.add(pool.submit(() -> {
                    for (int n = 1; n <= writesEach; n++) {
                        db.recordValidated(id, io.lakemirror.domain.BranchId.of("main"),
                                io.lakemirror.store.StoreFixtures.validated(n, n));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> seqs = database.inTransaction("read the log", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT seq FROM lakemirror_changes WHERE organization = ? ORDER BY seq")) {
                q.setString(1, org.value());
                List<Long> all = new ArrayList<>();
                try (var r = q.executeQuery()) {
                    while (r.next()) {
                        all.add(r.getLong(1));
                    }
                }
                return all;
            }
        });
        assertThat(seqs).hasSize(writers * writesEach);
        assertThat(seqs.get(seqs.size() - 1)).isEqualTo(seqs.size());
        assertThat(seqs.get(0)).isEqualTo(1L);
    }
}
