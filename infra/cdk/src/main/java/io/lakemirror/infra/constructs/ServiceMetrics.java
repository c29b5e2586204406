package io.lakemirror.infra.constructs;

/**
 * The CloudWatch metrics the service publishes and the alarms read. Published per region, in this
 * namespace, without dimensions (an alarm matches a series by its exact dimension set); see the
 * module README for what each one means.
 */
public final class ServiceMetrics {
    /** CloudWatch namespace of every service metric. */
    public static final String NAMESPACE = "lakemirror";
    /** Gauge, seconds: the largest age, over all mirror branches of this region, of the oldest source commit not yet promoted. */
    public static final String MIRROR_LAG_SECONDS = "MirrorLagSeconds";
    /** Count: branch promotions completed by this region's promoter. */
    public static final String PROMOTIONS_COMPLETED = "PromotionsCompleted";
    /** Gauge, count: commits validated or waiting for validation and not yet promoted in this region. */
    public static final String COMMITS_PENDING = "CommitsPending";

    private ServiceMetrics() {
    }
}
