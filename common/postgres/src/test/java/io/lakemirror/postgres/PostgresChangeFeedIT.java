package io.lakemirror.postgres;

import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.spec;
import static io.lakemirror.store.StoreFixtures.validated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.ChangeFeedContract;
import io.lakemirror.store.MirrorsDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change-feed contract against the PostgreSQL change log, plus what only it has: a checkpoint
 * per consumer group that a restarted process resumes from, one reader per group at a time with
 * takeover when it stops, delivery without NOTIFY (the poll is the truth), and NOTIFY promptness.
 */
class PostgresChangeFeedIT extends ChangeFeedContract {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();
    private static final BranchId MAIN = BranchId.of("main");
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    /** Short lease so takeovers happen in a test's time; a slow poll so that promptness must come from NOTIFY. */
    private static final PostgresChangeFeed.Tuning FAST = new PostgresChangeFeed.Tuning(Duration.ofMillis(200),
            Duration.ofSeconds(2), 100, Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofSeconds(10));
    private static PostgresDatabase database;
    private final List<PostgresChangeFeed> opened = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void open() {
        database = PostgresDatabase.open(ConnectionString.parse(POSTGRES.server().newDatabase("feed_it")),
                new PostgresDatabase.Pool(8, 1, Duration.ofMinutes(5)));
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void closeFeeds() {
        opened.forEach(PostgresChangeFeed::close);
    }

    private static OrganizationId freshOrganization() {
        return OrganizationId.of("org-" + ORGANIZATIONS.incrementAndGet());
    }

    private PostgresChangeFeed feed(OrganizationId org, String group, String worker, PostgresChangeFeed.Tuning tuning) {
        PostgresChangeFeed feed = new PostgresChangeFeed(database, org, group, worker, tuning);
        opened.add(feed);
        return feed;
    }

    @Override
    protected Fixture newFixture() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        AtomicInteger workers = new AtomicInteger();
        return new Fixture() {
            @Override
            public MirrorsDatabase db() {
                return db;
            }

            @Override
            public ChangeFeed newFeed() {
                return feed(org, "contract", "worker-" + workers.incrementAndGet(), FAST);
            }
        };
    }

    /** What a started feed delivered. */
    private static List<ChangeFeed.Change> start(ChangeFeed feed) {
        List<ChangeFeed.Change> received = new CopyOnWriteArrayList<>();
        feed.start(received::addAll);
        return received;
    }

    private static long validatedOf(List<ChangeFeed.Change> received, MirrorId mirror) {
        return received.stream().filter(c -> c instanceof ChangeFeed.BranchChanged b && b.mirrorId().equals(mirror))
                .map(c -> ((ChangeFeed.BranchChanged) c).state()).flatMap(Optional::stream)
                .mapToLong(BranchState::validatedSequence).max().orElse(0);
    }

    @Test
    void restartedFeed_shouldResumeFromItsCheckpoint_withoutReplayingAcknowledgedBatches() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        MirrorId r1 = MirrorId.of("restart-r1");
        MirrorId r2 = MirrorId.of("restart-r2");
        PostgresChangeFeed first = feed(org, "restart", "worker-1", FAST);
        List<ChangeFeed.Change> before = start(first);
        db.createMirror(spec(r1.value(), "restart-mirror-one"));
        db.recordValidated(r1, MAIN, validated(1, 10));
        await().alias("changes before the restart").atMost(Duration.ofSeconds(60)).until(() -> before.size() == 2);
        first.close();

        db.recordValidated(r1, MAIN, validated(2, 20));
        db.createMirror(spec(r2.value(), "restart-mirror-two"));
        List<ChangeFeed.Change> after = start(feed(org, "restart", "worker-2", FAST));

        await().alias("changes written while stopped").atMost(Duration.ofSeconds(60)).until(() -> after.size() >= 2);
        assertThat(after).containsExactly(
                new ChangeFeed.BranchChanged(r1, MAIN, db.getBranchState(r1, MAIN)),
                new ChangeFeed.MirrorChanged(r2));
    }

    @Test
    void feedsOfOneGroup_shouldDeliverThroughOneReaderAtATime_andHandOverWhenItStops() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        MirrorId m = MirrorId.of("shared-m1");
        PostgresChangeFeed a = feed(org, "shared", "worker-a", FAST);
        PostgresChangeFeed b = feed(org, "shared", "worker-b", FAST);
        List<ChangeFeed.Change> fromA = start(a);
        List<ChangeFeed.Change> fromB = start(b);

        for (int n = 1; n <= 20; n++) {
            db.recordValidated(m, MAIN, validated(n, n));
        }
        await().alias("all 20 changes through one of the two").atMost(Duration.ofSeconds(60))
                .until(() -> validatedOf(fromA, m) == 20 || validatedOf(fromB, m) == 20);
        List<ChangeFeed.Change> holder = validatedOf(fromA, m) == 20 ? fromA : fromB;
        List<ChangeFeed.Change> other = holder == fromA ? fromB : fromA;
        assertThat(holder).hasSize(20);
        assertThat(other).as("the group's other reader").isEmpty();

        (holder == fromA ? a : b).close();
        for (int n = 21; n <= 25; n++) {
            db.recordValidated(m, MAIN, validated(n, n));
        }

        await().alias("the other reader takes over after the holder stopped").atMost(Duration.ofSeconds(60))
                .until(() -> validatedOf(other, m) == 25);
        assertThat(other).as("changes 21-25 exactly, none of the acknowledged ones").hasSize(5);
    }

    @Test
    void feed_shouldDeliverEverything_inOrder_whenWritesSendNoNotify() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase silent = new PostgresMirrorsDatabase(database, org, false);
        MirrorId m = MirrorId.of("silent-m1");
        List<ChangeFeed.Change> received = start(feed(org, "silent", "worker-1", FAST));

        for (int n = 1; n <= 10; n++) {
            silent.recordValidated(m, MAIN, validated(n, n));
        }

        await().alias("changes found by polling alone").atMost(Duration.ofSeconds(60)).until(() -> validatedOf(received, m) == 10);
        assertThat(received).extracting(c -> ((ChangeFeed.BranchChanged) c).state().orElseThrow().validatedSequence())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void feed_shouldWakeOnNotify_longBeforeItsPollInterval() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        MirrorId m = MirrorId.of("prompt-m1");
        PostgresChangeFeed.Tuning slowPoll = new PostgresChangeFeed.Tuning(Duration.ofSeconds(30), Duration.ofSeconds(60), 100,
                Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofSeconds(10));
        List<ChangeFeed.Change> received = start(feed(org, "prompt", "worker-1", slowPoll));
        db.recordValidated(m, MAIN, validated(1, 1));
        await().alias("the first change (lease taken)").atMost(Duration.ofSeconds(60)).until(() -> validatedOf(received, m) == 1);

        for (int n = 2; n <= 11; n++) {
            db.recordValidated(m, MAIN, validated(n, n));
            long sequence = n;
            // Well under the 30 s poll, so only the NOTIFY can have delivered it, however slow the machine.
            await().alias("change " + n + " woken by NOTIFY").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
                    .until(() -> validatedOf(received, m) == sequence);
        }
    }

    @Test
    void feed_shouldDeliverEveryWrite_ofManyConcurrentWriters() throws Exception {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new PostgresMirrorsDatabase(database, org);
        List<ChangeFeed.Change> received = start(feed(org, "concurrent", "worker-1", FAST));
        int writers = 6;
        int writesEach = 30;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                MirrorId id = MirrorId.of("concurrent-" + w);
                done.add(pool.submit(() -> {
                    for (int n = 1; n <= writesEach; n++) {
                        db.recordValidated(id, MAIN, validated(n, n));
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

        await().alias("every write delivered").atMost(Duration.ofSeconds(20)).until(() -> received.size() >= writers * writesEach);
        for (int w = 0; w < writers; w++) {
            MirrorId id = MirrorId.of("concurrent-" + w);
            assertThat(received.stream().filter(c -> c.mirrorId().equals(id))
                    .map(c -> ((ChangeFeed.BranchChanged) c).state().orElseThrow().validatedSequence()).toList())
                    .as("changes of %s in write order", id).isSorted().hasSize(writesEach);
        }
        assertThat(received).hasSize(writers * writesEach);
        assertThat(T0).isNotNull();
    }
}
