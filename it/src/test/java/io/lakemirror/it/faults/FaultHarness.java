package io.lakemirror.it.faults;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.it.audit.AuditedMirror;
import io.lakemirror.it.audit.Auditor;
import io.lakemirror.it.audit.Violation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ReplicationApiClient;
import io.lakemirror.testkit.World;
import io.lakemirror.testkit.faults.HttpFaultProxy;
import io.lakemirror.testkit.faults.SqsFaultProxy;
import io.lakemirror.testkit.faults.SwitchableDelays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A three-region world with the replication service running as separate OS processes (a second
 * promoter in one region, a second validator in another), five mirrors — one source mirrored into
 * two regions, and a bidirectional pair — a seeded workload on every source, an independent
 * auditor, and a {@link FaultInjector} working through a seeded {@link FaultSchedule}.
 *
 * <p>{@link #run()}: faults and workload for the configured duration, then the heal phase (every
 * fault off, every component up) and the wait for convergence (I4). See docs/testing.md.
 */
final class FaultHarness implements AutoCloseable {
    /** How long setting up a mirror may take on a slow or busy machine before the run gives up. */
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(3);
    private static final Logger LOG = LoggerFactory.getLogger(FaultHarness.class);
    static final String A = "us-east-1";
    static final String B = "eu-west-1";
    static final String C = "ap-southeast-2";
    /** The source whose data objects are replicated; its mirror is audited strictly after the heal. */
    private static final String STRICT_SOURCE = "south";
    /** How long the strict audit may wait for data objects still in flight after the heal. */
    private static final Duration STRICT_AUDIT_TIMEOUT = Duration.ofSeconds(90);
    /** Source repository → its region and the regions it is mirrored into. */
    private static final Map<String, List<String>> TOPOLOGY = topology();

    private static Map<String, List<String>> topology() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("fan", List.of(A, B, C));
        t.put("east", List.of(A, B));
        t.put("west", List.of(B, A));
        t.put("south", List.of(C, A));
        return t;
    }

    /** What a run did. */
    record Report(long seed, Map<FaultSchedule.Kind, Integer> faults, int totalFaults, int commits, List<String> workloads,
                  boolean converged, Duration convergedAfter, List<Violation> violations, String differences,
                  long auditRounds, int kills, SqsFaultProxy.Stats sqs, HttpFaultProxy.Stats s3,
                  Map<String, HttpFaultProxy.Stats> lakeFs, Duration wall, Path logs, AfterHeal checks) {
        String describe() {
            return "fault-injection run, seed " + seed + " (replay: -Dlakemirror.faults.seed=" + seed + ")\n"
                    + "  wall time " + wall.toSeconds() + " s; logs in " + logs.toAbsolutePath() + "\n"
                    + "  faults injected: " + totalFaults + " " + faults + "\n"
                    + "  processes killed: " + kills + "\n"
                    + "  SQS: " + sqs + "\n"
                    + "  S3: " + s3 + "\n"
                    + "  lakeFS (service's calls): " + lakeFs + "\n"
                    + "  commits made on the sources: " + commits + "\n"
                    + workloads.stream().map(w -> "    " + w).collect(Collectors.joining("\n")) + "\n"
                    + "  audit rounds: " + auditRounds + ", violations: " + violations.size()
                    + violations.stream().map(v -> "\n    " + v).collect(Collectors.joining()) + "\n"
                    + "  converged: " + converged + (converged ? " " + convergedAfter.toSeconds() + " s after the heal"
                    : " (" + differences + ")") + "\n"
                    + checks.describe();
        }
    }

    /**
     * What the run checked besides the auditor's invariants: complete audit rounds per mirror during the
     * fault phase, I7 after the heal (the mirrors database's promoted heads are lakeFS's), where the forged
     * and tampered messages ended, the strict audit of the mirror whose data objects are replicated, and
     * what the route partitions and the corruption hit.
     */
    record AfterHeal(Map<String, Long> auditRounds, boolean promotedChecked, List<String> promotedDisagreements,
                     QueueFaults.Outcome queue,
                     String strictMirror, boolean strictClean, String strictReport, Map<String, Long> routesCut,
                     long s3Corrupted) {
        long fewestAuditRounds() {
            return auditRounds.values().stream().mapToLong(Long::longValue).min().orElse(0);
        }

        String describe() {
            return "  complete audit rounds per mirror during the fault phase: " + auditRounds + "\n"
                    + "  I7 (mirrors database's promoted heads = lakeFS heads after the heal): "
                    + (!promotedChecked ? "not checked (no convergence)"
                    : promotedDisagreements.isEmpty() ? "agree" : promotedDisagreements) + "\n"
                    + "  queue faults: " + queue.describe() + "\n"
                    + "  strict audit of " + strictMirror + " (data objects replicated): "
                    + (strictClean ? "clean" : "NOT clean") + ", " + strictReport + "\n"
                    + "  requests reset by cut routes: " + routesCut + "; S3 answers served corrupted: " + s3Corrupted;
        }
    }

    private final FaultRunSettings settings;
    private final Path logs;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private World world;
    private HttpFaultProxy s3Proxy;
    private SqsFaultProxy sqsProxy;
    private SwitchableDelays replicationDelays;
    /** Lag of the mirrors table between the regions' DynamoDBs (null on PostgreSQL, which is one database). */
    private SwitchableDelays globalTableDelays;
    private ServiceFleet fleet;
    private FaultInjector injector;
    private Auditor auditor;
    private LakeFsUser[] users;
    private final Map<String, SdkLakeFs> lakeFs = new LinkedHashMap<>();
    private final Map<String, HttpFaultProxy> lakeFsProxies = new LinkedHashMap<>();
    private RoutePartitions routes;
    private QueueFaults queueFaults;
    private final List<QueueFaults.Mirror> mirrors = new ArrayList<>();
    /** Per region, the service's backends as that region's configuration reaches them (read-only use). */
    private final Map<String, io.lakemirror.launcher.Backends> backends = new java.util.concurrent.ConcurrentHashMap<>();

    private FaultHarness(FaultRunSettings settings) {
        this.settings = settings;
        this.logs = Path.of("target", "faults", "seed-" + settings.seed());
    }

    /** Starts the world, the proxies and the fleet, and creates the mirrors; nothing is faulty yet. */
    static FaultHarness start(FaultRunSettings settings) {
        FaultHarness harness = new FaultHarness(settings);
        try {
            harness.setUp();
            return harness;
        } catch (RuntimeException | Error e) {
            harness.close();
            throw e;
        }
    }

    private void setUp() {
        LOG.info("FAULT RUN seed {} (replay with -Dlakemirror.faults.seed={}): {} of faults every {} ms on average",
                settings.seed(), settings.seed(), settings.duration(), settings.interval().toMillis());
        System.out.println("lakemirror fault-injection run: seed " + settings.seed());
        try {
            Files.createDirectories(logs);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        replicationDelays = new SwitchableDelays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(400)));
        boolean postgres = FaultRunSettings.postgresBackend();
        // Each region its own DynamoDB, the mirrors table replicated between them as a global table (usually within a second).
        globalTableDelays = postgres ? null : new SwitchableDelays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(500)));
        World.Builder builder = World.builder();
        if (!postgres) {
            builder.globalTable(globalTableDelays);
        }
        world = builder.regions(A, B, C)
                .replicationDelays(replicationDelays)
                .replicationSeed(settings.seed())
                // Only metadata: the (non-strict) validator and the auditor look at nothing else, and the
                // simulator lists its source prefixes on every poll, so data objects would only cost S3Mock CPU
                // that grows with every commit.
                // except for STRICT_SOURCE, whose data objects are replicated too, for the strict audit after the heal.
                .replicatedPrefixes(TOPOLOGY.keySet().stream()
                        .map(repo -> repo.equals(STRICT_SOURCE) ? repo + "/" : repo + "/_lakefs/").toArray(String[]::new))
                .replicationPollInterval(Duration.ofMillis(500))
                .postgres(postgres)
                .start();
        closeables.add(world);
        s3Proxy = HttpFaultProxy.builder("s3", world.s3Mock().endpoint()).seed(settings.seed()).start();
        closeables.add(s3Proxy);
        sqsProxy = SqsFaultProxy.start(world.elasticMq().endpoint(), settings.seed());
        closeables.add(sqsProxy);
        // The service reaches lakeFS through a proxy per region, for timeouts; the workload and the auditor do not.
        Map<String, String> lakeFsRoutes = new LinkedHashMap<>();
        for (World.Site site : world.sites()) {
            HttpFaultProxy proxy = HttpFaultProxy.builder("lakefs-" + site.region().value(), site.lakeFsEndpoint())
                    .seed(settings.seed() + site.region().value().hashCode()).start();
            closeables.add(proxy);
            lakeFsProxies.put(site.region().value(), proxy);
            lakeFsRoutes.put(stripSlash(site.lakeFsEndpoint().toString()), stripSlash(proxy.endpoint().toString()));
        }
        // Validators reach the other regions' lakeFS, and sensors SQS, each on a route of their own, to cut (PARTITION_*).
        Map<String, java.net.URI> lakeFsViaProxy = new LinkedHashMap<>();
        Map<String, String> queueNames = new LinkedHashMap<>();
        for (World.Site site : world.sites()) {
            lakeFsViaProxy.put(site.region().value(), lakeFsProxies.get(site.region().value()).endpoint());
            queueNames.put(site.region().value(), site.commitsQueue().name());
        }
        routes = new RoutePartitions(lakeFsViaProxy, sqsProxy.endpoint(), queueNames, settings.seed());
        closeables.add(routes);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("blockstore.s3.endpoint", s3Proxy.endpoint().toString());
        config.put("queue.sqs.endpoint", sqsProxy.endpoint().toString());
        // Closer to the defaults than the world's fast test settings: 14 JVMs polling every few hundred
        // milliseconds would take the CPU the workload needs on a two-core machine.
        config.put("change_feed.poll_interval", "500ms");
        config.put("commit_sensor.process_branches_duration", "1s");
        config.put("mirrors_manager.process_mirrors_interval_duration", "5s");
        config.put("validator.run_interval", "2s");
        config.put("metrics.refresh_interval", "30s");
        fleet = new ServiceFleet(world, logs, Map.of(
                B, Map.of(ComponentProcess.Kind.PROMOTER, 1),
                A, Map.of(ComponentProcess.Kind.VALIDATOR, 1)), config,
                endpoint -> lakeFsRoutes.getOrDefault(stripSlash(endpoint), endpoint), this::ownRoutes);
        closeables.add(fleet);
        long started = System.nanoTime();
        fleet.startAll();
        await("every component process logs that it runs").atMost(ServiceFleet.readyTimeout())
                .pollInterval(Duration.ofMillis(500))
                .conditionEvaluationListener(c -> { })
                .until(fleet::allReady);
        LOG.info("{} component processes running in {} ms", fleet.processes().size(),
                (System.nanoTime() - started) / 1_000_000);
        for (World.Site site : world.sites()) {
            SdkLakeFs client = SdkLakeFs.create(site.lakeFsEndpoint(), world.adminAccessKeyId(),
                    new Secret(world.adminSecretAccessKey()));
            lakeFs.put(site.region().value(), client);
            closeables.add(client);
        }
        List<AuditedMirror> audited = new ArrayList<>();
        Map<String, String> created = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> source : TOPOLOGY.entrySet()) {
            String repo = source.getKey();
            String sourceRegion = source.getValue().get(0);
            user(sourceRegion).createRepository(RepositoryId.of(repo), world.site(sourceRegion).storageNamespace(repo));
            for (String destination : source.getValue().subList(1, source.getValue().size())) {
                String name = repo + "-" + destination.substring(0, destination.indexOf('-'))
                        + destination.substring(destination.lastIndexOf('-') + 1);
                String namespace = world.site(destination).storageNamespace(repo);
                String id = createMirror(sourceRegion, repo, name, destination, namespace);
                created.put(id, sourceRegion + "/" + repo + "/" + name);
                mirrors.add(new QueueFaults.Mirror(io.lakemirror.domain.MirrorId.of(id), name, RepositoryId.of(repo),
                        sourceRegion, destination));
                audited.add(new AuditedMirror(name, lakeFs.get(sourceRegion), RepositoryId.of(repo),
                        lakeFs.get(destination), RepositoryId.of(name), StorageNamespace.of(namespace)));
            }
        }
        // All five at once: each waits for its region's mirrors manager, and waiting in turn costs half a minute.
        created.forEach((id, where) -> {
            String[] parts = where.split("/");
            await("mirror " + parts[2] + " ACTIVE").atMost(SETUP_TIMEOUT).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() ->
                    api(parts[0]).mirror(parts[1], id).get("status").asText().equals("ACTIVE"));
            LOG.info("mirror {} ({}) is ACTIVE", id, where);
        });
        auditor = new Auditor(world.s3(), audited, Duration.ofMillis(200)).recheckFilesEvery(Duration.ofSeconds(10)).start();
        closeables.add(auditor);
        for (Map.Entry<String, List<String>> source : TOPOLOGY.entrySet()) {
            RepositoryId repo = RepositoryId.of(source.getKey());
            BranchId main = BranchId.of("main");
            auditor.witnessSource(repo, main, Optional.of(user(source.getValue().get(0)).head(repo, main)));
        }
    }

    /** The validators' and sensors' configurations point at their own routes (see {@link RoutePartitions}). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> ownRoutes(String region, ComponentProcess.Kind kind, Map<String, Object> values) {
        if (kind == ComponentProcess.Kind.VALIDATOR) {
            Map<String, Object> destinations = new LinkedHashMap<>();
            ((Map<String, Object>) values.get("dst_endpoints")).keySet()
                    .forEach(other -> destinations.put(other, routes.validatorRoute(region, other).toString()));
            values.put("dst_endpoints", destinations);
        } else if (kind == ComponentProcess.Kind.SENSOR) {
            values.put("queue.sqs.endpoint", routes.sensorRoute(region).toString());
        }
        return values;
    }

    /** The backends of a region's configuration (straight to the servers, no proxy), opened once. */
    private io.lakemirror.launcher.Backends backends(String region) {
        return backends.computeIfAbsent(region, r -> {
            io.lakemirror.launcher.Backends b = io.lakemirror.launcher.Backends.of(world.config(r),
                    io.lakemirror.sandbox.LocalServices.dynoxideShims(world.config(r)));
            synchronized (closeables) {
                closeables.add(b);
            }
            return b;
        });
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private LakeFsUser user(String region) {
        return new LakeFsUser(world.site(region).lakeFsEndpoint(), world.adminAccessKeyId(),
                world.adminSecretAccessKey());
    }

    /**
     * Asks for a mirror; returns its ID at once (it becomes ACTIVE later). On a busy machine the API
     * can answer after the client gave up, so a failed request is repeated until the mirror exists,
     * and a mirror an earlier attempt created is found by its name instead of being asked for twice.
     */
    private String createMirror(String via, String repo, String name, String region, String namespace) {
        AtomicReference<String> id = new AtomicReference<>();
        await("mirror " + name + " created through the API of " + via).atMost(SETUP_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    Optional<String> existing = existingMirror(via, repo, name);
                    id.set(existing.orElseGet(() -> api(via).createMirror(repo, name, region, namespace).get("id").asText()));
                    return true;
                });
        return id.get();
    }

    private Optional<String> existingMirror(String via, String repo, String name) {
        for (JsonNode mirror : api(via).mirrors(repo).path("results")) {
            if (mirror.path("name").asText().equals(name)) {
                return Optional.of(mirror.path("id").asText());
            }
        }
        return Optional.empty();
    }

    private ReplicationApiClient api(String region) {
        return new ReplicationApiClient(fleet.api(region), world.adminAccessKeyId(), world.adminSecretAccessKey());
    }

    /** Faults and workload for the configured duration, then the heal, then the wait for convergence. */
    Report run() {
        Instant started = Instant.now();
        List<String> regions = world.regions().stream().map(r -> r.value()).toList();
        Map<String, Integer> promoters = new LinkedHashMap<>();
        Map<String, Integer> validators = new LinkedHashMap<>();
        regions.forEach(r -> {
            promoters.put(r, fleet.of(r, ComponentProcess.Kind.PROMOTER).size());
            validators.put(r, fleet.of(r, ComponentProcess.Kind.VALIDATOR).size());
        });
        List<FaultInjector.Repository> repositories = TOPOLOGY.entrySet().stream()
                .map(e -> new FaultInjector.Repository(e.getKey(), e.getValue().get(0), e.getValue().subList(1, e.getValue().size())))
                .toList();
        FaultSchedule schedule = FaultSchedule.plan(settings.seed(), regions, promoters, validators, repositories.size(),
                Duration.ofSeconds(2), settings.maxDuration(), settings.interval(), world.onPostgres());
        List<SourceWorkload> workloads = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long workloadSeed = settings.seed() * 31;
        for (Map.Entry<String, List<String>> source : TOPOLOGY.entrySet()) {
            RepositoryId repo = RepositoryId.of(source.getKey());
            // Several writers per repository: each waits on lakeFS most of the time, and 1,000 commits need the overlap.
            for (int writer = 0; writer < settings.writers(); writer++) {
                SourceWorkload w = new SourceWorkload(user(source.getValue().get(0)), repo, writer, ++workloadSeed,
                        (branch, head) -> auditor.witnessSource(repo, branch, head))
                        .witnessingTags((tag, commit) -> auditor.witnessSourceTag(repo, tag, commit));
                workloads.add(w);
                Thread t = new Thread(w, "workload-" + repo + "-" + writer);
                t.setDaemon(true);
                threads.add(t);
            }
        }
        injector = new FaultInjector(world, fleet, s3Proxy, sqsProxy, lakeFsProxies, replicationDelays, repositories, workloads);
        closeables.add(injector);
        Map<String, String> queueUrls = new LinkedHashMap<>();
        Map<String, String> deadLetterUrls = new LinkedHashMap<>();
        world.sites().forEach(site -> {
            queueUrls.put(site.region().value(), site.commitsQueue().url());
            deadLetterUrls.put(site.region().value(), site.commitsQueue().dlqUrl());
        });
        queueFaults = new QueueFaults(world.sqs(), io.lakemirror.domain.OrganizationId.of(world.organizationId()), queueUrls,
                deadLetterUrls, region -> backends(region).mirrorsDatabase(), lakeFs::get);
        injector.attach(routes, queueFaults, mirrors);
        injector.globalTable(globalTableDelays);
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fault-run-progress");
            t.setDaemon(true);
            return t;
        });
        progress.scheduleAtFixedRate(() -> LOG.info("PROGRESS +{} s: {} faults injected, {} commits, {} processes killed,"
                        + " {} audit rounds, {} violations", Duration.between(started, Instant.now()).toSeconds(),
                injector.injectedTotal(), workloads.stream().mapToInt(SourceWorkload::commits).sum(), fleet.kills(),
                auditor.rounds(), auditor.violations().size()), 30, 30, TimeUnit.SECONDS);
        try {
            injector.start(schedule);
            threads.forEach(Thread::start);
            // The phase lasts the configured duration, and longer (up to maxDuration, planned the same way)
            // while the workload has not yet made the minimum commits or the schedule the minimum faults:
            // on a loaded machine lakeFS answers slower, and a run that did too little proves too little.
            Instant end = started.plus(settings.duration());
            Instant cap = started.plus(settings.maxDuration());
            await("the fault phase of " + settings.duration()).atMost(settings.maxDuration().plusMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Instant.now().isAfter(cap)
                            || Instant.now().isAfter(end) && injector.injectedTotal() >= settings.minFaults()
                            && workloads.stream().mapToInt(SourceWorkload::commits).sum() >= settings.minCommits()
                            && fewest(auditor.roundsByMirror()) >= settings.minAuditRounds()
                            || workloads.stream().anyMatch(w -> w.failure().isPresent()));
            workloads.forEach(SourceWorkload::stop);
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(2).toMillis());
            }
            workloads.forEach(w -> w.failure().ifPresent(e -> {
                throw new IllegalStateException("the workload on " + w.name() + " failed (seed " + settings.seed()
                        + "): " + e, e);
            }));
            LOG.info("fault phase over after {} s: {} faults, {} commits; healing", Duration.between(started,
                    Instant.now()).toSeconds(), injector.injectedTotal(), workloads.stream().mapToInt(SourceWorkload::commits).sum());
            Map<String, Long> auditRounds = auditor.roundsByMirror();
            injector.healAll();
            Instant healed = Instant.now();
            await("every component process runs again after the heal").atMost(ServiceFleet.readyTimeout())
                    .pollInterval(Duration.ofMillis(500)).until(fleet::allReady);
            boolean converged = auditor.awaitConvergence(settings.convergence());
            Duration convergedAfter = Duration.between(healed, Instant.now());
            auditor.settle();
            String differences = converged ? "" : auditor.differences();
            AfterHeal checks = afterHeal(auditRounds, converged);
            Report report = new Report(settings.seed(), injector.injected(), injector.injectedTotal(),
                    workloads.stream().mapToInt(SourceWorkload::commits).sum(),
                    workloads.stream().map(SourceWorkload::summary).toList(), converged, convergedAfter,
                    auditor.violations(), differences, auditor.rounds(), fleet.kills(), sqsProxy.stats(), s3Proxy.stats(),
                    lakeFsProxies.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stats(),
                            (a, b) -> a, java.util.TreeMap::new)),
                    Duration.between(started, Instant.now()), logs, checks);
            String text = report.describe();
            LOG.info("\n{}", text);
            System.out.println(text);
            Files.writeString(logs.resolve("summary.txt"), text + "\n\nfault journal:\n" + String.join("\n", injector.journal()));
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the fault run of seed " + settings.seed(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            workloads.forEach(SourceWorkload::stop);
            progress.shutdownNow();
        }
    }

    private static long fewest(Map<String, Long> rounds) {
        return rounds.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /**
     * The checks after convergence: I7 on every mirror (only once converged: before, the promoter may still
     * be moving a branch), the dead-letter queues, and the strict audit.
     */
    private AfterHeal afterHeal(Map<String, Long> auditRounds, boolean converged) {
        List<String> disagreements = new ArrayList<>();
        if (converged) {
            for (QueueFaults.Mirror m : mirrors) {
                Map<BranchId, Optional<io.lakemirror.domain.CommitId>> promoted = new LinkedHashMap<>();
                backends(m.destination()).mirrorsDatabase().listBranchStates(m.id()).forEach(state ->
                        state.promoted().ifPresent(p -> promoted.put(state.branch(), p.head())));
                auditor.checkPromotedHeads(m.name(), promoted).forEach(d -> disagreements.add(m.name() + ": " + d));
            }
        }
        QueueFaults.Outcome queue = queueFaults.deadLetters();
        QueueFaults.Mirror strict = mirrors.stream().filter(m -> m.source().value().equals(STRICT_SOURCE)).findFirst()
                .orElseThrow();
        AtomicReference<io.lakemirror.audit.AuditReport> last = new AtomicReference<>();
        boolean clean = false;
        if (converged) {
            try {
                // Data objects travel beside the metadata the non-strict validator waits for: they may land after
                // convergence, so the strict audit is repeated until they are in (a finding of another kind stays).
                await("the strict audit of " + strict.name() + " is clean").atMost(STRICT_AUDIT_TIMEOUT)
                        .pollInterval(Duration.ofSeconds(5)).until(() -> {
                            last.set(strictAudit(strict));
                            return last.get().outcome() == io.lakemirror.audit.AuditReport.Outcome.CLEAN;
                        });
                clean = true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                LOG.error("strict audit of {} not clean within {}: {}", strict.name(), STRICT_AUDIT_TIMEOUT,
                        last.get() == null ? "no report" : io.lakemirror.audit.AuditReportText.render(last.get()));
            }
        }
        io.lakemirror.audit.AuditReport report = last.get();
        String summary = report == null ? "not run (no convergence)" : report.outcome() + ", " + report.counts()
                + (report.outcome() == io.lakemirror.audit.AuditReport.Outcome.CLEAN ? ""
                : " findings " + report.findings().stream().limit(5).map(Object::toString).toList());
        return new AfterHeal(auditRounds, converged, disagreements, queue, strict.name(), clean, summary, routes.stats(),
                s3Proxy.corrupted());
    }

    private io.lakemirror.audit.AuditReport strictAudit(QueueFaults.Mirror m) {
        io.lakemirror.launcher.Backends b = backends(m.destination());
        io.lakemirror.store.MirrorSpec spec = b.mirrorsDatabase().getMirror(m.id()).orElseThrow().spec();
        return new io.lakemirror.audit.MirrorAudit(new io.lakemirror.audit.AuditTarget(spec,
                b.lakeFs(io.lakemirror.domain.Region.of(m.sourceRegion())), b.localLakeFs(), b.blockStore(),
                Optional.of(b.mirrorsDatabase())), io.lakemirror.audit.AuditOptions.defaults(true),
                java.time.Clock.systemUTC()).run();
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", closeables.get(i), e.toString());
            }
        }
    }
}
