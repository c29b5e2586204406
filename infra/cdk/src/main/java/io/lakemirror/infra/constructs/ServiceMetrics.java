package io.lakemirror.infra.constructs;

import io.lakemirror.metrics.AlarmMetric;

/**
 * The CloudWatch metrics the service publishes and the alarms read, named by the service's own
 * {@link AlarmMetric} declaration. Published per region, in this
 * namespace, without dimensions (an alarm matches a series by its exact dimension set); see the
 * module README for what each one means.
 */
public final class ServiceMetrics {
    /** CloudWatch namespace of every service metric. */
    public static final String NAMESPACE = AlarmMetric.NAMESPACE;
    /** Gauge, seconds: the largest age, over all mirror branches of this region, of the oldest source commit not yet promoted. */
    public static final String MIRROR_LAG_SECONDS = AlarmMetric.MIRROR_LAG_SECONDS.cloudWatchName();
    /** Count: branch promotions completed by this region's promoter. */
    public static final String PROMOTIONS_COMPLETED = AlarmMetric.PROMOTIONS_COMPLETED.cloudWatchName();
    /** Gauge, count: commits sensed and not yet promoted in this region. */
    public static final String COMMITS_PENDING = AlarmMetric.COMMITS_PENDING.cloudWatchName();
    /** Gauge, count: mirror branches of this region stalled past the service's threshold. */
    public static final String STALLED_BRANCHES = AlarmMetric.STALLED_BRANCHES.cloudWatchName();

    private ServiceMetrics() {
    }
}
