package io.lakemirror.store;

import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.promoted;
import static io.lakemirror.store.StoreFixtures.spec;
import static io.lakemirror.store.StoreFixtures.validated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ChangeFeed} must have, over the {@link MirrorsDatabase} it follows. Run
 * against the in-memory fake, the KCL feed on DynamoDB Streams and the PostgreSQL change log. Each
 * test gets a fresh, isolated database ({@link #newFixture()}).
 */
public abstract class ChangeFeedContract {
    private static final BranchId MAIN = BranchId.of("main");

    /** A database with no items, isolated from every other test, and the feeds of one consumer group on it. */
    protected interface Fixture extends AutoCloseable {
        MirrorsDatabase db();

        /** A new, not started feed of the fixture's consumer group. */
        ChangeFeed newFeed();

        @Override
        default void close() {
        }
    }

    protected abstract Fixture newFixture();

    /** How long a change may take to arrive. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(30);
    }

    private Fixture fixture;
    private final List<ChangeFeed> feeds = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUpFixture() {
        fixture = newFixture();
    }

    @AfterEach
    void closeFixture() {
        feeds.forEach(ChangeFeed::close);
        fixture.close();
    }

    /** A started feed and what it delivered, in delivery order. */
    private List<ChangeFeed.Change> started(ChangeFeed feed) {
        List<ChangeFeed.Change> received = new CopyOnWriteArrayList<>();
        feeds.add(feed);
        feed.start(received::addAll);
        return received;
    }

    private static List<ChangeFeed.Change> of(List<ChangeFeed.Change> received, MirrorId mirror) {
        return received.stream().filter(c -> c.mirrorId().equals(mirror)).toList();
    }

    private static List<Optional<BranchState>> branchImages(List<ChangeFeed.Change> received, MirrorId mirror, BranchId branch) {
        return received.stream().filter(c -> c instanceof ChangeFeed.BranchChanged b && b.mirrorId().equals(mirror)
                        && b.branch().equals(branch))
                .map(c -> ((ChangeFeed.BranchChanged) c).state()).toList();
    }

    @Test
    void start_shouldDeliverMirrorChanges_forSpecAndStatusWrites() {
        MirrorId m1 = MirrorId.of("cf-m1");
        List<ChangeFeed.Change> received = started(fixture.newFeed());

        fixture.db().createMirror(spec(m1.value(), "cf-mirror-one"));
        fixture.db().putStatus(new MirrorStatus(m1, MirrorState.ACTIVE, "", T0), Set.of(), true);

        await().alias("spec and status changes of " + m1).atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(20))
                .until(() -> of(received, m1).stream().filter(c -> c instanceof ChangeFeed.MirrorChanged).count() >= 2);
        assertThat(of(received, m1)).allMatch(c -> c instanceof ChangeFeed.MirrorChanged);
    }

    @Test
    void start_shouldDeliverEveryBranchStateAsWritten_inWriteOrder() {
        MirrorId m1 = MirrorId.of("cf-m2");
        MirrorsDatabase db = fixture.db();
        List<ChangeFeed.Change> received = started(fixture.newFeed());

        db.recordValidated(m1, MAIN, validated(1, 10));
        BranchState validatedState = db.getBranchState(m1, MAIN).orElseThrow();
        db.claimPromotion(m1, MAIN, new BranchState.PromotionLease(1, "p", T0.plusSeconds(30)), Optional.empty());
        BranchState claimed = db.getBranchState(m1, MAIN).orElseThrow();
        db.recordPromoted(m1, MAIN, promoted(1, 10), "p");
        BranchState promotedState = db.getBranchState(m1, MAIN).orElseThrow();
        db.recordValidated(m1, MAIN, validated(2, 20));
        BranchState last = db.getBranchState(m1, MAIN).orElseThrow();

        await().alias("four branch changes of " + m1).atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(20))
                .until(() -> branchImages(received, m1, MAIN).size() >= 4);
        assertThat(branchImages(received, m1, MAIN)).containsExactly(Optional.of(validatedState), Optional.of(claimed),
                Optional.of(promotedState), Optional.of(last));
    }

    @Test
    void start_shouldDeliverChangesWrittenBetweenCreatingAndStartingTheFeed() {
        MirrorId m1 = MirrorId.of("cf-m3");
        ChangeFeed feed = fixture.newFeed();
        fixture.db().recordValidated(m1, MAIN, validated(1, 10));

        List<ChangeFeed.Change> received = started(feed);

        await().alias("the change written before start").atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(20))
                .until(() -> !branchImages(received, m1, MAIN).isEmpty());
        assertThat(branchImages(received, m1, MAIN).get(0)).map(BranchState::validatedSequence).contains(1L);
    }

    @Test
    void start_shouldDeliverAMirrorChange_afterTheBranchChanges_whenTheMirrorIsDeleted() {
        MirrorId m1 = MirrorId.of("cf-m4");
        MirrorsDatabase db = fixture.db();
        List<ChangeFeed.Change> received = started(fixture.newFeed());
        db.createMirror(spec(m1.value(), "cf-mirror-four"));
        db.recordValidated(m1, MAIN, validated(1, 10));

        db.deleteMirror(m1);

        await().alias("the deletion of " + m1).atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    List<ChangeFeed.Change> changes = of(received, m1);
                    int lastBranch = -1;
                    for (int i = 0; i < changes.size(); i++) {
                        if (changes.get(i) instanceof ChangeFeed.BranchChanged) {
                            lastBranch = i;
                        }
                    }
                    return lastBranch >= 0 && changes.subList(lastBranch + 1, changes.size()).stream()
                            .anyMatch(c -> c instanceof ChangeFeed.MirrorChanged);
                });
    }

    @Test
    void close_shouldStopDelivery() {
        MirrorId m1 = MirrorId.of("cf-m5");
        ChangeFeed feed = fixture.newFeed();
        List<ChangeFeed.Change> received = started(feed);
        fixture.db().recordValidated(m1, MAIN, validated(1, 10));
        await().alias("the first change").atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(20))
                .until(() -> branchImages(received, m1, MAIN).size() == 1);

        feed.close();
        fixture.db().recordValidated(m1, MAIN, validated(2, 20));

        await().alias("nothing after close").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60))
                .until(() -> branchImages(received, m1, MAIN).size() == 1);
    }
}
