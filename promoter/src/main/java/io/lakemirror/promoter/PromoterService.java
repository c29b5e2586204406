package io.lakemirror.promoter;

import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.metrics.AlarmMetric;
import io.lakemirror.runtime.Component;
import io.lakemirror.runtime.KeyedWorkQueue;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorsReader;
import io.lakemirror.store.StorePage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side's promoter and mirrors manager as one component: change-feed events make it
 * fast, and a reconcile pass every interval repairs whatever an event path missed, so correctness
 * never depends on an event arriving. The same pass runs the {@link HeadAntiEntropy} check of every
 * ACTIVE mirror's branches, which puts back a mirror branch that a late or foreign write moved away
 * from its recorded head.
 */
public final class PromoterService implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(PromoterService.class);

    private final Region region;
    private final MirrorsReader db;
    private final ChangeFeed feed;
    private final MirrorsManager manager;
    private final BranchPromoter promoter;
    private final HeadAntiEntropy antiEntropy;
    private final Duration reconcileInterval;
    private final Duration leaseDuration;
    private final int pageSize;
    private final Clock clock;
    private final KeyedWorkQueue<MirrorId> mirrorWork;
    private final KeyedWorkQueue<BranchKey> branchWork;
    private final ScheduledExecutorService reconciler;
    private final Counter promotions;
    private final Counter failures;
    private final Timer lag;

    public PromoterService(Region region, MirrorsReader db, ChangeFeed feed, MirrorsManager manager,
                           BranchPromoter promoter, HeadAntiEntropy antiEntropy, Settings settings, Clock clock,
                           MeterRegistry meters) {
        this.region = region;
        this.db = db;
        this.feed = feed;
        this.manager = manager;
        this.promoter = promoter;
        this.antiEntropy = antiEntropy;
        this.reconcileInterval = settings.reconcileInterval();
        this.leaseDuration = settings.leaseDuration();
        this.pageSize = settings.pageSize();
        this.clock = clock;
        this.mirrorWork = new KeyedWorkQueue<>("mirrors-manager", 2, Duration.ofMillis(500), settings.maxBackoff(),
                this::manage);
        this.branchWork = new KeyedWorkQueue<>("promoter", settings.threads(), Duration.ofMillis(200),
                settings.maxBackoff(), this::promote);
        this.reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "promoter-reconcile");
            t.setDaemon(true);
            return t;
        });
        this.promotions = Counter.builder(AlarmMetric.PROMOTIONS_COMPLETED.meterName()).description("Sequences applied to mirror branches")
                .register(meters);
        this.failures = Counter.builder("lakemirror.promoter.failures").description("Failed promotion attempts")
                .register(meters);
        this.lag = Timer.builder("lakemirror.promoter.lag").description("From the source head first seen to the mirror branch moving")
                .register(meters);
        FunctionCounter.builder("lakemirror.promoter.records_refetched", promoter, BranchPromoter::recordsRefetched)
                .description("Commit records that failed their hash check or that lakeFS refused, replaced by a"
                        + " verified copy from the source")
                .register(meters);
    }

    /**
     * @param reconcileInterval how often every mirror and branch of this region is re-checked
     * @param leaseDuration     the promotion lease; a branch held by a crashed promoter waits this long
     * @param threads           branches promoted at once
     * @param maxBackoff        the longest wait between retries of a failing branch
     * @param pageSize          mirrors read per database page
     */
    public record Settings(Duration reconcileInterval, Duration leaseDuration, int threads, Duration maxBackoff,
                           int pageSize) {
    }

    @Override
    public String name() {
        return "promoter";
    }

    @Override
    public void start() {
        feed.start(this::onChanges);
        reconciler.scheduleWithFixedDelay(this::reconcileQuietly, 0, reconcileInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("promoter of region {} started: reconciling every {} ms, promotion lease {} ms", region,
                reconcileInterval.toMillis(), leaseDuration.toMillis());
    }

    private void onChanges(List<ChangeFeed.Change> changes) {
        for (ChangeFeed.Change change : changes) {
            if (change instanceof ChangeFeed.MirrorChanged m) {
                mirrorWork.submit(m.mirrorId());
            } else if (change instanceof ChangeFeed.BranchChanged b
                    && b.state().map(BranchState::needsPromotion).orElse(false)
                    && b.state().get().promotion().isEmpty()) {
                branchWork.submit(new BranchKey(b.mirrorId(), b.branch()));
            }
        }
    }

    private Optional<Duration> manage(MirrorId id) {
        manager.reconcile(id);
        db.getMirror(id).filter(m -> m.state() == MirrorState.ACTIVE && m.spec().destinationRegion().equals(region))
                .ifPresent(this::submitPendingBranches);
        return Optional.empty();
    }

    private Optional<Duration> promote(BranchKey key) {
        try {
            BranchPromoter.Outcome outcome = promoter.promote(key.mirror(), key.branch());
            return switch (outcome) {
                case PROMOTED -> {
                    promotions.increment();
                    recordLag(key);
                    yield Optional.of(Duration.ZERO);
                }
                case BUSY -> Optional.of(leaseDuration);
                case UP_TO_DATE, MIRROR_NOT_READY -> Optional.empty();
            };
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("promoting {} failed, retrying with backoff: {}", key, e.getMessage());
            throw e;
        }
    }

    private void recordLag(BranchKey key) {
        db.getBranchState(key.mirror(), key.branch())
                .flatMap(s -> s.validated().filter(v -> v.sequence() == s.promotedSequence()))
                .ifPresent(v -> lag.record(Duration.between(v.sensedAt(), clock.instant())));
    }

    private List<BranchState> submitPendingBranches(MirrorRecord mirror) {
        List<BranchState> states = db.listBranchStates(mirror.spec().id());
        for (BranchState state : states) {
            if (state.needsPromotion()) {
                branchWork.submit(new BranchKey(state.mirrorId(), state.branch()));
            }
        }
        return states;
    }

    private int checkHeads(MirrorRecord mirror, List<BranchState> states) {
        try {
            return antiEntropy.check(mirror.spec(), states);
        } catch (RuntimeException e) {
            LOG.warn("anti-entropy check of mirror {} ({}) failed, next pass in {} ms: {}", mirror.spec().id(),
                    mirror.spec().name(), reconcileInterval.toMillis(), e.getMessage());
            return 0;
        }
    }

    private void mirrorTags(MirrorRecord mirror) {
        try {
            manager.mirrorTags(mirror);
        } catch (RuntimeException e) {
            LOG.warn("mirroring the tags of mirror {} ({}) failed, next pass in {} ms: {}", mirror.spec().id(),
                    mirror.spec().name(), reconcileInterval.toMillis(), e.getMessage());
        }
    }

    /** One pass over every mirror of the organization: repairs anything an event missed. */
    void reconcile() {
        int mirrors = 0;
        int repaired = 0;
        Optional<String> after = Optional.empty();
        do {
            StorePage<MirrorRecord> page = db.listMirrors(after, pageSize);
            for (MirrorRecord mirror : page.items()) {
                if (!mirror.spec().destinationRegion().equals(region)) {
                    continue;
                }
                mirrors++;
                if (mirror.state() == MirrorState.ACTIVE && !mirror.spec().isDeleteRequested()) {
                    repaired += checkHeads(mirror, submitPendingBranches(mirror));
                    mirrorTags(mirror);
                } else if (mirror.state() != MirrorState.FAILED || mirror.spec().isDeleteRequested()) {
                    mirrorWork.submit(mirror.spec().id());
                }
            }
            after = page.nextAfter();
        } while (after.isPresent());
        LOG.debug("reconciled {} mirrors of region {}; {} branches queued, {} put back to their promoted head", mirrors,
                region, branchWork.size(), repaired);
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("reconcile pass of region {} failed, next pass in {} ms: {}", region,
                    reconcileInterval.toMillis(), e.getMessage());
        }
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        feed.close();
        mirrorWork.close(Duration.ofSeconds(5));
        branchWork.close(Duration.ofSeconds(10));
        LOG.info("promoter of region {} stopped", region);
    }
}
