package io.lakemirror.launcher;

import io.lakemirror.api.http.ApiServer;
import io.lakemirror.api.metrics.MirrorMetrics;
import io.lakemirror.aws.cloudwatch.CloudWatchMetrics;
import io.lakemirror.aws.dynamodb.DynamoDbStores;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.launcher.Backends;
import io.lakemirror.runtime.Component;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The components of one region running in this JVM on shared backends: what {@code bin/replication
 * all} runs, and what the sandbox and end-to-end tests run once per region. Components start in
 * order (promoter, validator, sensor, then the API, so it only answers once the workers run) and
 * stop in reverse, then the backends close.
 */
public final class RegionProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionProcess.class);

    /** The components a region process can run. */
    public enum Part { PROMOTER, VALIDATOR, SENSOR, API }

    private final ReplicationConfig config;
    private final Backends backends;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** What components record into: Prometheus, plus CloudWatch's alarm metrics when enabled. */
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private final Optional<MeterRegistry> cloudWatch;
    private final List<Component> started = new ArrayList<>();
    private ApiServer api;
    private HealthServer health;
    /** The components' wall clock: the host's, or one a test runs off it (clock skew). */
    private Clock clock = Clock.systemUTC();
    private volatile boolean running;
    private boolean closed;

    private RegionProcess(ReplicationConfig config, Backends backends) {
        this.config = config;
        this.backends = backends;
        meters.add(metrics);
        // Before any component registers a meter, so the alarm metrics reach CloudWatch too.
        this.cloudWatch = CloudWatchMetrics.registry(config);
        cloudWatch.ifPresent(meters::add);
    }

    /** Every component of {@code config}'s region on production backends. */
    public static RegionProcess start(ReplicationConfig config) {
        return start(config, EnumSet.allOf(Part.class));
    }

    /** The given components of {@code config}'s region on production backends. */
    public static RegionProcess start(ReplicationConfig config, Set<Part> parts) {
        return start(config, UnaryOperator.identity(), b -> { }, parts);
    }

    /**
     * @param storesCustomizer adjusts the DynamoDB stores (local stacks pass their test-only shims here)
     * @param beforeStart      runs once the backends exist and before any component starts
     * @param parts            which components to run
     * @throws StartupException when a lakeFS of the configuration is older than 1.11.0 or refuses the keys
     */
    public static RegionProcess start(ReplicationConfig config, UnaryOperator<DynamoDbStores.Builder> storesCustomizer,
                                      Consumer<Backends> beforeStart, Set<Part> parts) {
        return start(config, storesCustomizer, beforeStart, parts, Clock.systemUTC());
    }

    /**
     * As {@link #start(ReplicationConfig, UnaryOperator, Consumer, Set)}, with the components' wall clock
     * {@code clock} (leases are timed on the monotonic clock, whatever this one says).
     */
    public static RegionProcess start(ReplicationConfig config, UnaryOperator<DynamoDbStores.Builder> storesCustomizer,
                                      Consumer<Backends> beforeStart, Set<Part> parts, Clock clock) {
        LakeFsVersionCheck.verify(config);
        RegionProcess process = new RegionProcess(config, Backends.of(config, storesCustomizer));
        process.clock = clock;
        try {
            beforeStart.accept(process.backends);
            process.health = HealthServer.start(config.values().require(ConfigKeys.HEALTH_LISTEN_ADDRESS),
                    HealthChecks.of(process.backends, parts), () -> process.running, process.metrics);
            for (Component component : process.build(parts)) {
                component.start();
                process.started.add(component);
            }
            process.running = true;
            LOG.info("region {} running: {}", config.region(), process.started.stream().map(Component::name).toList());
            return process;
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    private List<Component> build(Set<Part> parts) {
        List<Component> components = new ArrayList<>();
        if (parts.contains(Part.PROMOTER)) {
            components.add(Workers.promoter(backends, meters, clock));
        }
        if (parts.contains(Part.VALIDATOR)) {
            components.add(Workers.validator(backends, meters, clock));
        }
        if (parts.contains(Part.SENSOR)) {
            components.add(Workers.sensor(backends, meters, clock));
        }
        if (parts.contains(Part.API)) {
            components.add(MirrorMetrics.create(config, backends.mirrorsDatabase(), meters, clock));
            api = Workers.api(backends, metrics);
            components.add(api);
        }
        return components;
    }

    public ReplicationConfig config() {
        return config;
    }

    public Backends backends() {
        return backends;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** The port of this process's {@code /healthcheck} and {@code /metrics} ({@code health.listen_address}). */
    public int healthPort() {
        return health.port();
    }

    /** The port the API listens on, when it runs. */
    public Optional<Integer> apiPort() {
        return Optional.ofNullable(api).map(ApiServer::port);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.get(i);
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("{} of region {} did not stop cleanly: {}", c.name(), config.region(), e.toString());
            }
        }
        if (health != null) {
            health.close();
        }
        backends.close();
        // Closing the CloudWatch registry publishes its last step.
        cloudWatch.ifPresent(MeterRegistry::close);
        LOG.info("region {} stopped", config.region());
    }
}
