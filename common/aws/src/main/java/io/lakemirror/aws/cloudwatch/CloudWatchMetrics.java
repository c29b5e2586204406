package io.lakemirror.aws.cloudwatch;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.config.Durations;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.metrics.AlarmMetric;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.cloudwatch2.CloudWatchNamingConvention;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;

/**
 * Publishes the three metrics the CDK alarms read (infra/cdk README, "Metrics the service publishes")
 * to CloudWatch, and nothing else: CloudWatch charges per metric, and an alarm matches a series only
 * by its exact dimension set, so every other meter is denied and the three go out without dimensions.
 *
 * <table>
 *   <caption>Alarm metrics</caption>
 *   <tr><th>Micrometer meter</th><th>CloudWatch metric</th><th>unit</th><th>registered by</th></tr>
 *   <tr><td>{@code lakemirror.mirror.lag.seconds.max} (gauge)</td><td>{@code MirrorLagSeconds}</td><td>Seconds</td>
 *       <td>the API's {@code MirrorMetrics}</td></tr>
 *   <tr><td>{@code lakemirror.promoter.promotions} (counter)</td><td>{@code PromotionsCompleted}</td><td>Count,
 *       promotions of the last step (0 when none)</td><td>{@code PromoterService}</td></tr>
 *   <tr><td>{@code lakemirror.commits.pending} (gauge)</td><td>{@code CommitsPending}</td><td>Count</td>
 *       <td>the API's {@code MirrorMetrics}</td></tr>
 * </table>
 *
 * <p>A process publishes those of the three that its components register: the API process the two
 * gauges, the promoter process {@code PromotionsCompleted}, {@code bin/replication all} all three.
 * A gauge reading NaN (no fresh value yet) is skipped, which the alarms treat as missing data.
 *
 * <p>The launcher adds the registry to the process's composite registry, next to the Prometheus
 * one, before the components register their meters, and closes it last: closing publishes the
 * values of the step in progress and closes the AWS client:
 * <pre>{@code
 * CompositeMeterRegistry meters = new CompositeMeterRegistry(Clock.SYSTEM, List.of(prometheus));
 * Optional<MeterRegistry> cloudWatch = CloudWatchMetrics.registry(config);
 * cloudWatch.ifPresent(meters::add);
 * ...
 * cloudWatch.ifPresent(MeterRegistry::close);
 * }</pre>
 */
public final class CloudWatchMetrics {
    /** The meters that go to CloudWatch, in the order of the table above. */
    public static final List<AlarmMetric> ALARM_METRICS = List.of(AlarmMetric.values());

    /** A PutMetricData call's own budget: well inside a one-minute step, so a slow call never stacks up. */
    static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchMetrics.class);

    private CloudWatchMetrics() {
    }

    /**
     * The CloudWatch registry of this region when {@code metrics.cloudwatch.enabled}, else empty.
     * It publishes every {@code metrics.cloudwatch.step} into {@code metrics.cloudwatch.namespace} of
     * this process's region, with the static {@code aws.*} credentials or the default chain, at
     * {@code metrics.cloudwatch.endpoint} when set. Closing it closes its client.
     */
    public static Optional<MeterRegistry> registry(ReplicationConfig config) {
        ReplicationConfig.CloudWatchSettings settings = config.metrics().cloudWatch();
        if (!settings.enabled()) {
            LOG.debug("CloudWatch publication is off (metrics.cloudwatch.enabled=false)");
            return Optional.empty();
        }
        CloudWatchAsyncClientBuilder builder = CloudWatchAsyncClient.builder()
                .region(AwsClients.awsRegion(config.region()))
                .credentialsProvider(AwsClients.credentials(config))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                        .apiCallTimeout(API_CALL_TIMEOUT)
                        .build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        CloudWatchAsyncClient client = builder.build();
        LOG.info("publishing {} to CloudWatch namespace {} in {} every {}{}",
                ALARM_METRICS.stream().map(AlarmMetric::cloudWatchName).toList(), settings.namespace(), config.region(),
                Durations.format(settings.step()), settings.endpoint().map(e -> " at " + e).orElse(""));
        return Optional.of(registry(settings, client, Clock.SYSTEM, true));
    }

    /**
     * A registry publishing through a client the caller owns and closes (closing the registry
     * leaves it open); for embedding and tests. Same filters and names as {@link #registry(ReplicationConfig)}.
     */
    public static MeterRegistry registry(ReplicationConfig.CloudWatchSettings settings, CloudWatchAsyncClient client,
                                         Clock clock) {
        return registry(settings, client, clock, false);
    }

    private static MeterRegistry registry(ReplicationConfig.CloudWatchSettings settings, CloudWatchAsyncClient client,
                                  Clock clock, boolean ownsClient) {
        CloudWatchConfig cloudWatchConfig = new CloudWatchConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String namespace() {
                return settings.namespace();
            }

            @Override
            public Duration step() {
                return settings.step();
            }

            @Override
            public boolean highResolution() {
                // The alarms use periods of minutes; high-resolution storage would only cost more.
                return false;
            }
        };
        CloudWatchMeterRegistry registry = new AlarmMetricsRegistry(cloudWatchConfig, clock, client, ownsClient);
        Map<String, AlarmMetric> byMeterName = ALARM_METRICS.stream()
                .collect(Collectors.toUnmodifiableMap(AlarmMetric::meterName, Function.identity()));
        List<String> cloudWatchNames = ALARM_METRICS.stream().map(AlarmMetric::cloudWatchName).toList();
        registry.config()
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        AlarmMetric alarm = byMeterName.get(id.getName());
                        // Common tags of the launcher would become dimensions the alarms do not match.
                        return alarm == null ? id
                                : id.withName(alarm.cloudWatchName()).replaceTags(Tags.empty()).withBaseUnit(alarm.unit().name().toLowerCase(java.util.Locale.ROOT));
                    }
                })
                .meterFilter(MeterFilter.denyUnless(id -> cloudWatchNames.contains(id.getName())))
                .namingConvention(new AlarmNames(cloudWatchNames));
        return registry;
    }

    /**
     * Keeps the alarm metrics' names exact: the registry appends a statistic suffix such as
     * {@code .value} or {@code .count} to every name before it asks the naming convention.
     */
    static final class AlarmNames implements NamingConvention {
        private final List<String> names;
        private final NamingConvention fallback = new CloudWatchNamingConvention();

        AlarmNames(List<String> names) {
            this.names = List.copyOf(names);
        }

        @Override
        public String name(String name, Meter.Type type, String baseUnit) {
            for (String alarm : names) {
                if (name.equals(alarm) || name.startsWith(alarm + ".")) {
                    return alarm;
                }
            }
            return fallback.name(name, type, baseUnit);
        }

        @Override
        public String tagKey(String key) {
            return fallback.tagKey(key);
        }

        @Override
        public String tagValue(String value) {
            return fallback.tagValue(value);
        }
    }

    private static final class AlarmMetricsRegistry extends CloudWatchMeterRegistry {
        private final CloudWatchAsyncClient client;
        private final boolean ownsClient;

        AlarmMetricsRegistry(CloudWatchConfig config, Clock clock, CloudWatchAsyncClient client, boolean ownsClient) {
            super(config, clock, client, new NamedThreadFactory("cloudwatch-metrics"));
            this.client = client;
            this.ownsClient = ownsClient;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                if (ownsClient) {
                    client.close();
                }
            }
        }
    }
}
