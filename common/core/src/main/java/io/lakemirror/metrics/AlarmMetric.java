package io.lakemirror.metrics;

/**
 * The metrics the service publishes to CloudWatch for the alarms of the CDK app: one declaration
 * shared by the components that register the meters, the CloudWatch publisher and the alarms, so a
 * renamed meter cannot silently leave an alarm reading nothing. Published per region, in
 * {@link #NAMESPACE} unless {@code metrics.cloudwatch.namespace} says otherwise, without dimensions.
 */
public enum AlarmMetric {
    /** Gauge, seconds: the largest age, over all mirror branches of this region, of the oldest source commit not yet promoted. */
    MIRROR_LAG_SECONDS("lakemirror.mirror.lag.seconds.max", "MirrorLagSeconds", Unit.SECONDS),
    /** Counter: branch promotions completed by this region's promoter (per publication step). */
    PROMOTIONS_COMPLETED("lakemirror.promoter.promotions", "PromotionsCompleted", Unit.COUNT),
    /** Gauge, count: commits of the mirrors into this region sensed and not yet promoted. */
    COMMITS_PENDING("lakemirror.commits.pending", "CommitsPending", Unit.COUNT),
    /**
     * Gauge, count: mirror branches of the mirrors into this region that are stalled, i.e. whose
     * oldest sensed commit not yet promoted has waited longer than the service's stall threshold;
     * 0 when none. A region-level count, so that promotions on one branch cannot hide a stall on
     * another (the CDK's stalled-branches alarm fires on any value of 1 or more, and on no data).
     */
    STALLED_BRANCHES("lakemirror.branches.stalled", "StalledBranches", Unit.COUNT);

    /** The CloudWatch namespace the CDK alarms and task roles use, and {@code metrics.cloudwatch.namespace}'s default. */
    public static final String NAMESPACE = "lakemirror";

    /** CloudWatch units of the alarm metrics. */
    public enum Unit { SECONDS, COUNT }

    private final String meterName;
    private final String cloudWatchName;
    private final Unit unit;

    AlarmMetric(String meterName, String cloudWatchName, Unit unit) {
        this.meterName = meterName;
        this.cloudWatchName = cloudWatchName;
        this.unit = unit;
    }

    /** The Micrometer name a component registers the meter under. */
    public String meterName() {
        return meterName;
    }

    /** The CloudWatch metric name the alarms read. */
    public String cloudWatchName() {
        return cloudWatchName;
    }

    public Unit unit() {
        return unit;
    }
}
