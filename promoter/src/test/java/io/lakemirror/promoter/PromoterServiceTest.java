package io.lakemirror.promoter;

import static io.lakemirror.promoter.PromoterFixture.DESTINATION;
import static io.lakemirror.promoter.PromoterFixture.MAIN;
import static io.lakemirror.promoter.PromoterFixture.MIRROR;
import static io.lakemirror.promoter.PromoterFixture.MIRROR_REPO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.store.InMemoryChangeFeed;
import io.lakemirror.store.MirrorState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PromoterServiceTest {
    private final PromoterFixture f = new PromoterFixture();
    private final InMemoryChangeFeed feed = new InMemoryChangeFeed(f.db);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private PromoterService service;

    private PromoterService start(Duration reconcileInterval) {
        service = new PromoterService(DESTINATION, f.db, feed, f.manager(), f.promoter("service"),
                f.antiEntropy("service-anti-entropy", meters),
                new PromoterService.Settings(reconcileInterval, Duration.ofSeconds(30), 4, Duration.ofSeconds(1), 100),
                java.time.Clock.systemUTC(), meters);
        service.start();
        return service;
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void events_shouldCreateTheMirrorAndPromoteValidatedBranches_withoutWaitingForAReconcilePass() {
        start(Duration.ofHours(1));
        await("mirror ACTIVE").atMost(Duration.ofSeconds(60))
                .until(() -> f.db.getMirror(MIRROR).orElseThrow().state() == MirrorState.ACTIVE);

        CommitRecord one = f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);

        await("main promoted").atMost(Duration.ofSeconds(60))
                .until(() -> f.mirror.branches(MIRROR_REPO).get(MAIN), one.id()::equals);
        assertThat(meters.counter("lakemirror.promoter.promotions").count()).isEqualTo(1);
    }

    @Test
    void reconcile_shouldRepairEverything_whenNoEventArrives() {
        feed.pause();
        f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);

        start(Duration.ofMillis(100));

        await("main promoted by the reconcile pass alone").atMost(Duration.ofSeconds(60))
                .ignoreExceptionsInstanceOf(io.lakemirror.domain.NotFoundException.class)
                .until(() -> f.mirror.branches(MIRROR_REPO).containsKey(MAIN));
    }

    @Test
    void oneFailingBranch_shouldNotHoldUpTheOthers() {
        start(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(60)).until(() -> f.db.getMirror(MIRROR).orElseThrow().state() == MirrorState.ACTIVE);
        BranchId stuck = BranchId.of("stuck");
        // A validated head that exists nowhere: every attempt fails and is retried with backoff.
        f.validateSourceHead(stuck, java.util.Optional.of(io.lakemirror.domain.CommitId.of("f".repeat(64))));

        CommitRecord one = f.sourceCommit(MAIN, "one");
        f.validateSourceHead(MAIN);

        await("main promoted despite the failing branch").atMost(Duration.ofSeconds(60))
                .until(() -> f.mirror.branches(MIRROR_REPO).get(MAIN), one.id()::equals);
        await("the failing branch shows its error").atMost(Duration.ofSeconds(60))
                .until(() -> f.db.getBranchState(MIRROR, stuck).orElseThrow().promoterError().isPresent());
        assertThat(meters.counter("lakemirror.promoter.failures").count()).isPositive();
    }
}
