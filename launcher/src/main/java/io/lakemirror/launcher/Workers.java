package io.lakemirror.launcher;

import io.lakemirror.runtime.MonotonicClock;
import io.lakemirror.api.Authenticator;
import io.lakemirror.api.Authorizer;
import io.lakemirror.api.MirrorAudits;
import io.lakemirror.api.MirrorService;
import io.lakemirror.api.OperatorService;
import io.lakemirror.api.dashboard.LagHistory;
import io.lakemirror.audit.AuditOptions;
import io.lakemirror.audit.AuditTarget;
import io.lakemirror.api.http.ApiServer;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.graveler.MetaRangeFiles;
import io.lakemirror.promoter.BranchPromoter;
import io.lakemirror.promoter.HeadAntiEntropy;
import io.lakemirror.promoter.MirrorsManager;
import io.lakemirror.promoter.TagMirror;
import io.lakemirror.promoter.PromoterService;
import io.lakemirror.runtime.Component;
import io.lakemirror.sensor.CommitSensor;
import io.lakemirror.sensor.SensorSettings;
import io.lakemirror.validator.SourceCommits;
import io.lakemirror.validator.Validator;
import io.lakemirror.validator.ValidatorOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The composition root of each worker: the worker's own classes wired to the adapters of a
 * process's {@link Backends}, each given only the role of the mirrors database it writes. The
 * returned components are not started; the backends own and close every client.
 */
public final class Workers {
    /**
     * How long a promoter holds a branch. Every lakeFS call under it ends a quarter of it before it lapses
     * (bounded calls), and it is renewed between calls, so a long first sync keeps it.
     */
    static final Duration PROMOTION_LEASE = Duration.ofSeconds(60);
    private static final int PROMOTER_THREADS = 8;
    private static final Duration PROMOTER_MAX_BACKOFF = Duration.ofSeconds(30);
    /** Missing files named per waiting tag in a mirror's status. */
    private static final int TAG_KEYS_REPORTED = 5;
    /** Integrity audits an API process runs at once; a start beyond them is refused (429). */
    static final int AUDITS_AT_ONCE = 2;
    /** How far back the dashboard's lag plots go. */
    static final Duration LAG_HISTORY_WINDOW = Duration.ofHours(1);

    private Workers() {
    }

    /** The commit sensor, reading this region's lakeFS ({@code regional_endpoint}), where the sources live. */
    public static Component sensor(Backends backends, MeterRegistry meters, Clock clock) {
        return new CommitSensor(SensorSettings.from(backends.config()), backends.localLakeFs(), backends.mirrorsDatabase(),
                backends.commitsQueue(), clock, meters);
    }

    /** The validator, consuming this region's queue and reading claim-checked commits from the sources' lakeFS. */
    public static Component validator(Backends backends, MeterRegistry meters, Clock clock) {
        ReplicationConfig config = backends.config();
        return new Validator(ValidatorOptions.from(config.validator(), config.listMirrorsPageSize()), config.region(),
                config.organizationId(), new Validator.Ports(backends.mirrorsDatabase(), backends.refstore(),
                backends.consumerQueue(), backends.blockStore(),
                SourceCommits.fromLakeFs(backends.lakeFsClients(), config::lakeFsEndpoint), clock, meters));
    }

    /** The promoter and mirrors manager, acting on this region's lakeFS, woken by the mirrors database's change feed. */
    public static Component promoter(Backends backends, MeterRegistry meters, Clock clock) {
        ReplicationConfig config = backends.config();
        LakeFs mirrors = backends.localLakeFs();
        MirrorsManager manager = new MirrorsManager(config.region(), backends.mirrorsDatabase(), backends.refstore(),
                mirrors, clock, Optional.of(new TagMirror(backends.refstore(), mirrors, backends::lakeFs,
                        new MetaRangeFiles(backends.blockStore(), TAG_KEYS_REPORTED))));
        String owner = "promoter-" + config.region() + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        BranchPromoter promoter = new BranchPromoter(config.region(), owner, backends.mirrorsDatabase(),
                backends.refstore(), mirrors, backends::lakeFs, clock, MonotonicClock.system(), PROMOTION_LEASE);
        HeadAntiEntropy antiEntropy = new HeadAntiEntropy(owner + "-anti-entropy", backends.mirrorsDatabase(),
                backends.refstore(), mirrors, clock, PROMOTION_LEASE, meters);
        return new PromoterService(config.region(), backends.mirrorsDatabase(), backends.changeFeed(), manager, promoter,
                antiEntropy, new PromoterService.Settings(config.mirrorsManager().processMirrorsInterval(), PROMOTION_LEASE,
                        PROMOTER_THREADS, PROMOTER_MAX_BACKOFF, config.listMirrorsPageSize()), clock, meters);
    }

    /** The REST API on {@code listen_address} (TLS, timeouts and limits from {@code tls.*} and {@code api.*}), serving {@code metrics} at {@code /metrics}. */
    public static ApiServer api(Backends backends, PrometheusMeterRegistry metrics) {
        ReplicationConfig config = backends.config();
        Authenticator authenticator = new Authenticator(backends.callerDirectory(), config.auth().cacheEnabled(),
                config.auth().cacheSize(), config.auth().cacheTtl());
        Authorizer authorizer = new Authorizer(backends.callerDirectory(), config.auth().cacheEnabled(),
                config.auth().cacheSize(), config.auth().cacheTtl());
        MirrorService mirrors = new MirrorService(config.region(), config.dstEndpoints(), backends.localLakeFs(),
                region -> config.lakeFsEndpoint(region).map(backends.lakeFsClients()::forEndpoint),
                backends.mirrorsDatabase(), authorizer, Clock.systemUTC(), config.listMirrorsPageSize());
        OperatorService operator = new OperatorService(config.region(), backends.mirrorsDatabase(), authorizer,
                Clock.systemUTC(), config.listMirrorsPageSize(),
                new MirrorAudits(spec -> new AuditTarget(spec, backends.lakeFs(spec.sourceRegion()),
                        backends.lakeFs(spec.destinationRegion()), backends.anyRegionBlockStore(),
                        Optional.of(backends.mirrorsDatabase())), AUDITS_AT_ONCE, AuditOptions.DEFAULT_PARALLELISM,
                        Clock.systemUTC()),
                new LagHistory(metrics, config.metrics().refreshInterval(), LAG_HISTORY_WINDOW, Clock.systemUTC()));
        return new ApiServer(ApiServer.Settings.from(config), authenticator, mirrors, metrics, Optional.of(operator));
    }
}
