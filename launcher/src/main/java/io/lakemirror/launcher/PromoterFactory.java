package io.lakemirror.promoter;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.runtime.Backends;
import io.lakemirror.runtime.Component;
import io.lakemirror.store.ChangeFeed;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/** Builds this region's promoter and mirrors manager on the process's backends. */
public final class PromoterFactory {
    /** How long a promoter holds a branch; longer than the slowest lakeFS call with its retries. */
    static final Duration LEASE = Duration.ofSeconds(60);
    private static final int THREADS = 8;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private PromoterFactory() {
    }

    public static Component create(Backends backends, MeterRegistry meters) {
        ReplicationConfig config = backends.config();
        Clock clock = Clock.systemUTC();
        LakeFs mirrors = backends.localLakeFs();
        MirrorsManager manager = new MirrorsManager(config.region(), backends.mirrorsDatabase(), backends.refstore(),
                mirrors, clock);
        String owner = "promoter-" + config.region() + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        BranchPromoter promoter = new BranchPromoter(config.region(), owner, backends.mirrorsDatabase(),
                backends.refstore(), mirrors, backends::lakeFs, clock, LEASE);
        ChangeFeed feed = backends.changeFeed();
        return new PromoterService(config.region(), backends.mirrorsDatabase(), feed, manager, promoter,
                new PromoterService.Settings(config.mirrorsManager().processMirrorsInterval(), LEASE, THREADS, MAX_BACKOFF,
                        config.listMirrorsPageSize()), clock, meters);
    }
}
