package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The alarms of one region, all notifying one SNS topic:
 *
 * <ul>
 *   <li><b>mirror lag</b>: the worst mirror branch is more than {@code lagThreshold} behind its source;
 *   <li><b>stalled branches</b>: the service counts at least one stalled mirror branch (its oldest
 *       unpromoted commit waited longer than the service's stall threshold) for
 *       {@code stallEvaluationPeriods} periods. A count over branches, so that promotions on one
 *       branch cannot hide a stall on another, which a region-wide "no promotion while pending"
 *       rule could;
 *   <li><b>dead letters</b>: the oldest message of the commits dead-letter queue is older than
 *       {@code deadLetterAgeThreshold}: a message nobody handled, which no validator retries.
 * </ul>
 *
 * Lag and stalled branches read the service's own metrics ({@link ServiceMetrics}) and treat missing
 * data as breaching: the service publishes them every minute, 0 when all is well, so silence means
 * the publisher (the API task) is down or cannot reach CloudWatch. The dead-letter alarm reads SQS's
 * metric, which SQS stops publishing for a queue idle for hours, so there no data means an empty
 * queue ({@code FILL(age, 0)}).
 */
public final class ReplicationAlarms extends Construct {
    /** Expression of the dead-letter alarm: the oldest message's age, 0 while SQS publishes nothing. */
    public static final String DEAD_LETTER_AGE_EXPRESSION = "FILL(age, 0)";
    private static final Duration PERIOD = Duration.minutes(5);
    private static final int MAX_PERIODS = 288;

    private final ITopic topic;
    private final Alarm mirrorLag;
    private final Alarm stalledBranches;
    private final Alarm deadLetters;

    public ReplicationAlarms(Construct scope, String id, ReplicationAlarmsProps props) {
        super(scope, id);
        getNode().addValidation(() -> validate(props));
        this.topic = props.getAlarmTopic().orElseGet(() -> Topic.Builder.create(this, "Topic")
                .displayName("lakemirror alarms")
                .enforceSsl(true)
                .build());
        String prefix = props.getAlarmNamePrefix();

        this.mirrorLag = Alarm.Builder.create(this, "MirrorLag")
                .alarmName(prefix + "-mirror-lag")
                .alarmDescription("A mirror branch is more than " + props.getLagThreshold().toHumanString()
                        + " behind its source branch, or the service stopped publishing MirrorLagSeconds. Check"
                        + " bucket replication (S3 replication metrics), the validator's logs for missing metadata"
                        + " files, the promoter, and that the API tasks run.")
                .metric(serviceMetric(ServiceMetrics.MIRROR_LAG_SECONDS, "Maximum"))
                .threshold(props.getLagThreshold().toSeconds())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(clamp(props.getLagEvaluationPeriods()))
                .datapointsToAlarm(clamp(props.getLagEvaluationPeriods()))
                .treatMissingData(TreatMissingData.BREACHING)
                .build();

        this.stalledBranches = Alarm.Builder.create(this, "StalledBranches")
                .alarmName(prefix + "-stalled-branches")
                .alarmDescription("At least one mirror branch is stalled: its oldest unpromoted commit has waited"
                        + " past the service's stall threshold (GET .../mirrors/{id} names the branch and its"
                        + " last_error), or the service stopped publishing StalledBranches. Check the promoter's"
                        + " tasks and logs, the mirrors-table stream and bucket replication.")
                .metric(serviceMetric(ServiceMetrics.STALLED_BRANCHES, "Maximum"))
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(clamp(props.getStallEvaluationPeriods()))
                .datapointsToAlarm(clamp(props.getStallEvaluationPeriods()))
                .treatMissingData(TreatMissingData.BREACHING)
                .build();

        this.deadLetters = Alarm.Builder.create(this, "DeadLetters")
                .alarmName(prefix + "-commits-dead-letters")
                .alarmDescription("A CommitsDetected message has waited in the dead-letter queue for more than "
                        + props.getDeadLetterAgeThreshold().toHumanString() + ". Read its reason (message attribute"
                        + " lakemirror.dead-letter-reason) and the validator's logs, fix the cause, then redrive or"
                        + " delete it.")
                .metric(MathExpression.Builder.create()
                        .expression(DEAD_LETTER_AGE_EXPRESSION)
                        .usingMetrics(Map.of("age", props.getDeadLetterQueue().metricApproximateAgeOfOldestMessage(
                                MetricOptions.builder().statistic("Maximum").period(PERIOD).build())))
                        .period(PERIOD)
                        .label("age of the oldest dead letter (s)")
                        .build())
                .threshold(props.getDeadLetterAgeThreshold().toSeconds())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();

        SnsAction notify = new SnsAction(topic);
        for (Alarm alarm : List.of(mirrorLag, stalledBranches, deadLetters)) {
            alarm.addAlarmAction(notify);
            alarm.addOkAction(notify);
        }
    }

    private static Metric serviceMetric(String name, String statistic) {
        return Metric.Builder.create()
                .namespace(ServiceMetrics.NAMESPACE)
                .metricName(name)
                .statistic(statistic)
                .period(PERIOD)
                .build();
    }

    /** A stand-in within CloudWatch's limits, so an invalid value is reported by the validation, not a crash. */
    private static int clamp(int periods) {
        return Math.max(1, Math.min(MAX_PERIODS, periods));
    }

    private static List<String> validate(ReplicationAlarmsProps props) {
        List<String> problems = new ArrayList<>();
        if (props.getLagThreshold().toSeconds().doubleValue() <= 0) {
            problems.add("lagThreshold must be longer than zero");
        }
        if (props.getLagEvaluationPeriods() < 1 || props.getLagEvaluationPeriods() > MAX_PERIODS) {
            problems.add("lagEvaluationPeriods " + props.getLagEvaluationPeriods() + " must be at least 1 and"
                    + " cover at most a day of 5-minute periods (288)");
        }
        if (props.getStallEvaluationPeriods() < 1 || props.getStallEvaluationPeriods() > MAX_PERIODS) {
            problems.add("stallEvaluationPeriods " + props.getStallEvaluationPeriods() + " must be at least 1 and"
                    + " cover at most a day of 5-minute periods (288)");
        }
        if (props.getDeadLetterAgeThreshold().toSeconds().doubleValue() < PERIOD.toSeconds().doubleValue()) {
            problems.add("deadLetterAgeThreshold " + props.getDeadLetterAgeThreshold().toHumanString() + " must be at"
                    + " least 5 minutes: SQS publishes the age every 5 minutes");
        }
        return problems;
    }

    /** The topic every alarm notifies. */
    public ITopic getTopic() {
        return topic;
    }

    public Alarm getMirrorLag() {
        return mirrorLag;
    }

    public Alarm getStalledBranches() {
        return stalledBranches;
    }

    public Alarm getDeadLetters() {
        return deadLetters;
    }
}
