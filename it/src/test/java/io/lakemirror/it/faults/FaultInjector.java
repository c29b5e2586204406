package io.lakemirror.it.faults;

import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.World;
import io.lakemirror.testkit.faults.HttpFaultProxy;
import io.lakemirror.testkit.faults.SqsFaultProxy;
import io.lakemirror.testkit.faults.SwitchableDelays;
import io.lakemirror.testserver.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link FaultSchedule}: injects each planned fault at its offset and heals it when
 * its duration is over, all on one thread, so that faults never interleave half-way (a promoter
 * restart never lands in the middle of a stream rewind). {@link #healAll()} ends every fault at once.
 */
final class FaultInjector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    private static final Duration SAMPLE_CHECKPOINTS = Duration.ofSeconds(2);

    /** A source repository and where it is mirrored, for faults that aim at its files. */
    record Repository(String name, String sourceRegion, List<String> mirrorRegions) {
    }

    private final World world;
    private final ServiceFleet fleet;
    private final HttpFaultProxy s3;
    private final SqsFaultProxy sqs;
    /** Per region, the proxy between the service and that region's lakeFS (timeouts). */
    private final Map<String, HttpFaultProxy> lakeFsProxies;
    private final SwitchableDelays replicationDelays;
    private final StreamCheckpoints checkpoints;
    private final List<Repository> repositories;
    private final List<SourceWorkload> workloads;
    private final ScheduledExecutorService thread;
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<String, Integer> pauses = new HashMap<>();
    private final List<BucketReplicator.Hold> holds = new ArrayList<>();
    private final List<ScheduledFuture<?>> planned = new ArrayList<>();
    private final Map<FaultSchedule.Kind, Integer> injected = new EnumMap<>(FaultSchedule.Kind.class);
    private final List<String> journal = new ArrayList<>();
    private volatile boolean healed;
    /** Routes of one kind of process to one server, to cut (PARTITION_*); set by {@link #attach}. */
    private RoutePartitions partitions;
    /** Forged, tampered and expired messages; set by {@link #attach}. */
    private QueueFaults queueFaults;
    private List<QueueFaults.Mirror> mirrors = List.of();
    /** Delays of the mirrors table's replication between regions; null without a global table (PostgreSQL). */
    private SwitchableDelays globalTableDelays;

    FaultInjector(World world, ServiceFleet fleet, HttpFaultProxy s3, SqsFaultProxy sqs, Map<String, HttpFaultProxy> lakeFsProxies,
                  SwitchableDelays replicationDelays, List<Repository> repositories, List<SourceWorkload> workloads) {
        this.lakeFsProxies = Map.copyOf(lakeFsProxies);
        this.world = world;
        this.fleet = fleet;
        this.s3 = s3;
        this.sqs = sqs;
        this.replicationDelays = replicationDelays;
        this.checkpoints = new StreamCheckpoints(world::dynamoDb, world.mirrorsTable());
        this.repositories = List.copyOf(repositories);
        this.workloads = List.copyOf(workloads);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fault-injector");
            t.setDaemon(true);
            return t;
        });
    }

    /** Gives GLOBAL_TABLE_LAG the delays of the world's global-table replicator; call before {@link #start}. */
    synchronized FaultInjector globalTable(SwitchableDelays delays) {
        this.globalTableDelays = delays;
        return this;
    }

    /** Gives the faults that cut routes and act on the queues what they aim at; call before {@link #start}. */
    synchronized FaultInjector attach(RoutePartitions routes, QueueFaults queues, List<QueueFaults.Mirror> audited) {
        this.partitions = routes;
        this.queueFaults = queues;
        this.mirrors = List.copyOf(audited);
        return this;
    }

    /** Schedules every fault of {@code schedule} relative to now, and the checkpoint sampling that stream replays need. */
    synchronized void start(FaultSchedule schedule) {
        thread.scheduleWithFixedDelay(this::sampleCheckpoints, 0, SAMPLE_CHECKPOINTS.toMillis(), TimeUnit.MILLISECONDS);
        for (FaultSchedule.Planned fault : schedule.faults()) {
            planned.add(thread.schedule(() -> inject(fault), fault.at().toMillis(), TimeUnit.MILLISECONDS));
        }
        LOG.info("fault schedule of seed {}: {} faults planned ({})", schedule.seed(), schedule.faults().size(),
                schedule.countByKind());
    }

    /** Faults injected so far, by kind. */
    synchronized Map<FaultSchedule.Kind, Integer> injected() {
        return new EnumMap<>(injected);
    }

    synchronized int injectedTotal() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** What was injected and healed, one line each. */
    synchronized List<String> journal() {
        return List.copyOf(journal);
    }

    private void sampleCheckpoints() {
        try {
            world.regions().forEach(r -> checkpoints.sample(r.value()));
        } catch (RuntimeException e) {
            LOG.debug("sampling change-feed checkpoints failed: {}", e.toString());
        }
    }

    private void inject(FaultSchedule.Planned fault) {
        if (healed) {
            return;
        }
        try {
            Optional<String> what = apply(fault);
            if (what.isPresent()) {
                synchronized (this) {
                    injected.merge(fault.kind(), 1, Integer::sum);
                    journal.add("inject " + fault + ": " + what.get());
                }
                LOG.info("FAULT {}: {}", fault, what.get());
            } else {
                LOG.info("FAULT {} skipped (no target)", fault);
            }
        } catch (RuntimeException e) {
            LOG.warn("FAULT {} could not be injected: {}", fault, e.toString(), e);
        }
    }

    /** Injects one fault and schedules its healing; empty when it had no target. */
    private Optional<String> apply(FaultSchedule.Planned f) {
        String region = f.region();
        Random random = new Random(f.pick());
        switch (f.kind()) {
            case KILL -> {
                ComponentProcess.Kind kind = ComponentProcess.Kind.valueOf(f.other().toUpperCase(java.util.Locale.ROOT));
                List<ComponentProcess> candidates = new ArrayList<>(fleet.of(region, kind));
                candidates.addAll(fleet.processes().stream().filter(p -> p.region().equals(region) && p.kind() != kind).toList());
                int first = Math.min(f.index() - 1, candidates.size() - 1);
                for (int i = 0; i < candidates.size(); i++) {
                    ComponentProcess target = candidates.get((first + i) % candidates.size());
                    if (target.kill()) {
                        later(f.magnitude(), () -> restart(target));
                        return Optional.of("killed " + target + ", restart in " + f.magnitude().toMillis() + " ms");
                    }
                }
                return Optional.empty();
            }
            case CLOCK_SKEW -> {
                Optional<ComponentProcess> target = aimedProcess(f);
                if (target.isEmpty()) {
                    return Optional.empty();
                }
                target.get().clockOffset(f.magnitude());
                target.get().kill();
                target.get().start();
                return Optional.of("restarted " + target.get() + " with its wall clock " + f.magnitude().toMillis()
                        + " ms off the host's");
            }
            case PAUSE -> {
                Optional<ComponentProcess> target = aimedProcess(f).filter(ComponentProcess::pause);
                if (target.isEmpty()) {
                    return Optional.empty();
                }
                later(f.duration(), () -> target.get().resume());
                return Optional.of("paused " + target.get() + " (SIGSTOP), SIGCONT in " + f.duration().toMillis() + " ms");
            }
            case LATE_EXECUTION -> {
                String channel = "lakefs-late/" + region;
                long token = next(channel);
                HttpFaultProxy proxy = lakeFsProxies.get(region);
                HttpFaultProxy.Late how = HttpFaultProxy.Late.values()[f.index() - 1];
                proxy.seed(f.pick()).lateExecution(f.fraction(), FaultInjector::lakeFsWrite, how, f.magnitude());
                later(f.duration(), () -> healIf(channel, token,
                        () -> proxy.lateExecution(0, e -> false, how, Duration.ZERO)));
                return Optional.of("lakeFS of " + region + " executing writes late (" + how + ", "
                        + f.magnitude().toMillis() + " ms)");
            }
            case STREAM_REPLAY -> {
                List<ComponentProcess> promoters = fleet.of(region, ComponentProcess.Kind.PROMOTER);
                promoters.forEach(ComponentProcess::kill);
                int shards = checkpoints.rewind(region, random);
                later(f.magnitude(), () -> promoters.forEach(this::restart));
                return Optional.of("killed " + promoters.size() + " promoter(s) of " + region + ", rewound " + shards
                        + " shard checkpoint(s), restart in " + f.magnitude().toMillis() + " ms");
            }
            case SQS_DUPLICATE -> {
                long token = next("sqs-duplicate");
                sqs.duplicate(f.fraction());
                later(f.duration(), () -> healIf("sqs-duplicate", token, () -> sqs.duplicate(0)));
                return Optional.of("duplicating deliveries");
            }
            case SQS_LOST_RECEIVE -> {
                long token = next("sqs-lose");
                sqs.loseReceives(f.fraction());
                later(f.duration(), () -> healIf("sqs-lose", token, () -> sqs.loseReceives(0)));
                return Optional.of("dropping receive answers");
            }
            case SQS_DELAY -> {
                long token = next("sqs-delay");
                sqs.http().seed(f.pick()).delay(f.fraction(), f.magnitude());
                later(f.duration(), () -> healIf("sqs-delay", token, () -> sqs.http().delay(0, Duration.ZERO)));
                return Optional.of("delaying SQS calls");
            }
            case LAKEFS_ERRORS -> {
                String channel = "lakefs-errors/" + region;
                long token = next(channel);
                Faults faults = world.site(region).lakeFs().faults();
                faults.seed(f.pick()).failFraction(f.fraction(), f.status());
                later(f.duration(), () -> healIf(channel, token, () -> faults.failFraction(0, 500)));
                return Optional.of("lakeFS of " + region + " failing");
            }
            case LAKEFS_SLOW -> {
                String channel = "lakefs-slow/" + region;
                long token = next(channel);
                Faults faults = world.site(region).lakeFs().faults();
                faults.seed(f.pick()).delay(f.fraction(), f.magnitude());
                later(f.duration(), () -> healIf(channel, token, () -> faults.delay(0, Duration.ZERO)));
                return Optional.of("lakeFS of " + region + " slow");
            }
            case LAKEFS_TIMEOUT -> {
                String channel = "lakefs-timeout/" + region;
                long token = next(channel);
                HttpFaultProxy proxy = lakeFsProxies.get(region);
                proxy.seed(f.pick()).hang(f.fraction(), f.magnitude());
                later(f.duration(), () -> healIf(channel, token, () -> proxy.hang(0, Duration.ZERO)));
                return Optional.of("lakeFS of " + region + " not answering the service");
            }
            case S3_SLOWDOWN -> {
                long token = next("s3-slowdown");
                s3.seed(f.pick()).fail(f.fraction(), HttpFaultProxy.ErrorAnswer.s3SlowDown());
                later(f.duration(), () -> healIf("s3-slowdown", token, () -> s3.fail(0, HttpFaultProxy.ErrorAnswer.s3SlowDown())));
                return Optional.of("S3 answering 503 SlowDown");
            }
            case S3_TIMEOUT -> {
                long token = next("s3-timeout");
                s3.seed(f.pick()).hang(f.fraction(), f.magnitude());
                later(f.duration(), () -> healIf("s3-timeout", token, () -> s3.hang(0, Duration.ZERO)));
                return Optional.of("S3 not answering");
            }
            case REPLICATION_PAUSE -> {
                BucketReplicator replicator = world.replicator(region, f.other());
                String pair = region + "->" + f.other();
                if (pauses.merge(pair, 1, Integer::sum) == 1) {
                    replicator.pause();
                }
                later(f.duration(), () -> {
                    if (pauses.merge(pair, -1, Integer::sum) == 0 && !healed) {
                        replicator.resume();
                    }
                });
                return Optional.of("replication " + pair + " paused");
            }
            case REPLICATION_REORDER -> {
                long token = next("reorder");
                replicationDelays.use(DelayDistribution.exponential(f.magnitude(), f.magnitude().multipliedBy(8)));
                later(f.duration(), () -> healIf("reorder", token, replicationDelays::restore));
                return Optional.of("replication lag now " + replicationDelays.current());
            }
            case GLOBAL_TABLE_LAG -> {
                if (globalTableDelays == null) {
                    return Optional.empty();
                }
                long token = next("global-table");
                globalTableDelays.use(DelayDistribution.exponential(f.magnitude(), f.magnitude().multipliedBy(8)));
                later(f.duration(), () -> healIf("global-table", token, globalTableDelays::restore));
                return Optional.of("global-table lag now " + globalTableDelays.current());
            }
            case REPLICATION_HOLD -> {
                Repository repo = repositories.get((f.index() - 1) % repositories.size());
                String to = repo.mirrorRegions().get(random.nextInt(repo.mirrorRegions().size()));
                BucketReplicator replicator = world.replicator(repo.sourceRegion(), to);
                String digit = Integer.toHexString(random.nextInt(16));
                Pattern broad = Pattern.compile(Pattern.quote(repo.name() + "/_lakefs/" + digit) + ".*");
                BucketReplicator.Hold hold = replicator.holdBack(broad.pattern());
                holds.add(hold);
                ScheduledFuture<?>[] narrowing = new ScheduledFuture<?>[1];
                BucketReplicator.Hold[] exact = new BucketReplicator.Hold[1];
                narrowing[0] = thread.scheduleWithFixedDelay(() -> {
                    if (exact[0] != null || healed) {
                        return;
                    }
                    replicator.heldKeys().stream().filter(k -> broad.matcher(k).matches()).findFirst().ifPresent(key -> {
                        exact[0] = replicator.holdBack(Pattern.quote(key));
                        holds.add(exact[0]);
                        holds.remove(hold);
                        hold.release();
                        LOG.info("FAULT {}: holding back exactly {}", f, key);
                    });
                }, 100, 100, TimeUnit.MILLISECONDS);
                later(f.duration(), () -> {
                    narrowing[0].cancel(false);
                    if (exact[0] != null) {
                        holds.remove(exact[0]);
                        exact[0].release();
                    } else if (holds.remove(hold)) {
                        hold.release();
                    }
                });
                return Optional.of("replication " + repo.sourceRegion() + "->" + to + " holds back the first new key matching "
                        + broad.pattern());
            }
            case POSTGRES_RESTART -> {
                if (!world.onPostgres()) {
                    return Optional.empty();
                }
                world.postgres().stop();
                later(f.magnitude(), () -> {
                    if (!healed) {
                        world.postgres().startAgain();
                    }
                });
                return Optional.of("stopped PostgreSQL (every connection cut), start again in " + f.magnitude().toMillis() + " ms");
            }
            case PARTITION_VALIDATOR_SOURCE -> {
                QueueFaults.Mirror m = aimedMirror(f, random);
                partitions.cutValidator(m.destination(), m.sourceRegion());
                later(f.duration(), () -> {
                    if (!healed) {
                        partitions.healValidator(m.destination(), m.sourceRegion());
                    }
                });
                return Optional.of("validators of " + m.destination() + " cut off the lakeFS of " + m.sourceRegion()
                        + " (mirror " + m.name() + ")");
            }
            case PARTITION_SENSOR_QUEUE -> {
                QueueFaults.Mirror m = aimedMirror(f, random);
                partitions.cutSensor(m.sourceRegion(), m.destination());
                later(f.duration(), () -> {
                    if (!healed) {
                        partitions.healSensor(m.sourceRegion(), m.destination());
                    }
                });
                return Optional.of("sensors of " + m.sourceRegion() + " cut off the queue of " + m.destination()
                        + " (mirror " + m.name() + ")");
            }
            case FORGED_MESSAGE -> {
                return queueFaults.forge(aimedMirror(f, random), random);
            }
            case TAMPERED_MESSAGE -> {
                return queueFaults.tamper(aimedMirror(f, random), random);
            }
            case MESSAGE_EXPIRY -> {
                return queueFaults.expire(aimedMirror(f, random).destination());
            }
            case S3_FORBIDDEN -> {
                // One error switch on the S3 proxy: a newer S3_SLOWDOWN or S3_FORBIDDEN takes it over and heals it.
                long token = next("s3-slowdown");
                s3.seed(f.pick()).fail(f.fraction(), HttpFaultProxy.ErrorAnswer.s3AccessDenied());
                later(f.duration(), () -> healIf("s3-slowdown", token, () -> s3.fail(0, HttpFaultProxy.ErrorAnswer.s3SlowDown())));
                return Optional.of("S3 answering 403 AccessDenied");
            }
            case S3_CORRUPT -> {
                QueueFaults.Mirror m = aimedMirror(f, random);
                String bucket = world.site(m.destination()).bucket();
                // Every metadata file of the mirror namespace: one new metarange a second per mirror is all there is to hit.
                String prefix = "/" + bucket + "/" + m.source().value() + "/_lakefs/";
                long token = next("s3-corrupt");
                s3.corrupt(e -> e.path().startsWith(prefix));
                later(f.duration(), () -> healIf("s3-corrupt", token, () -> s3.corrupt(e -> false)));
                return Optional.of("the service reads " + prefix + "* corrupted (mirror " + m.name() + ")");
            }
            case SOURCE_FORCE_RESET, BRANCH_RECREATE -> {
                Repository repo = repositories.get((f.index() - 1) % repositories.size());
                List<SourceWorkload> writers = workloads.stream().filter(w -> w.repository().value().equals(repo.name())).toList();
                SourceWorkload workload = writers.get(random.nextInt(writers.size()));
                workload.request(f.kind());
                return Optional.of("the workload on " + workload.name() + " does it next");
            }
            default -> throw new IllegalStateException("unknown fault " + f.kind());
        }
    }

    /** One mirror of the repository the fault aims at ({@code index}), chosen by the fault's own random numbers. */
    private QueueFaults.Mirror aimedMirror(FaultSchedule.Planned f, Random random) {
        Repository repo = repositories.get((f.index() - 1) % repositories.size());
        List<QueueFaults.Mirror> of = mirrors.stream().filter(m -> m.source().value().equals(repo.name())).toList();
        return of.get(random.nextInt(of.size()));
    }

    /** The process of the fault's kind ({@code other}) and index in its region, if one runs there. */
    private Optional<ComponentProcess> aimedProcess(FaultSchedule.Planned f) {
        ComponentProcess.Kind kind = ComponentProcess.Kind.valueOf(f.other().toUpperCase(java.util.Locale.ROOT));
        List<ComponentProcess> of = fleet.of(f.region(), kind);
        return of.isEmpty() ? Optional.empty() : Optional.of(of.get((f.index() - 1) % of.size()));
    }

    /**
     * The service's writes to lakeFS that LATE_EXECUTION takes: create, delete and hard-reset a branch,
     * CreateCommitRecord, create and delete a tag (lakefs-facts.md §1.2).
     */
    static boolean lakeFsWrite(HttpFaultProxy.Exchange e) {
        return !e.method().equals("GET") && !e.method().equals("HEAD")
                && e.path().matches(".*/repositories/[^/]+/(branches(/[^/]+(/hard_reset)?)?|commits|tags(/[^/]+)?)");
    }

    private void restart(ComponentProcess process) {
        if (!healed) {
            process.start();
        }
    }

    private long next(String channel) {
        return generations.merge(channel, 1L, Long::sum);
    }

    /** Heals a channel unless a newer fault took it over meanwhile (that one heals it later). */
    private void healIf(String channel, long token, Runnable heal) {
        if (generations.getOrDefault(channel, 0L) == token && !healed) {
            heal.run();
        }
    }

    private void later(Duration delay, Runnable task) {
        thread.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("healing a fault failed: {}", e.toString(), e);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Ends every fault: stops the schedule, turns every switch off, lets replication resume and every
     * held key go, and starts every component that is down.
     */
    void healAll() {
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            healed = true;
            planned.forEach(p -> p.cancel(false));
            sqs.reset();
            s3.reset();
            lakeFsProxies.values().forEach(HttpFaultProxy::reset);
            if (partitions != null) {
                partitions.healAll();
            }
            replicationDelays.restore();
            if (globalTableDelays != null) {
                globalTableDelays.restore();
            }
            world.sites().forEach(site -> {
                site.lakeFs().faults().failFraction(0, 500);
                site.lakeFs().faults().delay(0, Duration.ZERO);
            });
            world.replicators().forEach(r -> {
                r.releaseAll();
                if (r.isPaused()) {
                    r.resume();
                }
            });
            holds.clear();
            if (world.onPostgres()) {
                world.postgres().startAgain();
            }
            fleet.processes().forEach(ComponentProcess::resume);
            fleet.startAll();
            LOG.info("HEAL: every fault off, replication resumed, every component started");
        }, thread).join();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
