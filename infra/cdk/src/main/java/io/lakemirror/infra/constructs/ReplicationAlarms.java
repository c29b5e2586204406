package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
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
 *   <li><b>promotion stalled</b>: commits stayed pending for the whole {@code stallWindow} while not a
 *       single promotion completed, i.e. the promoter is stuck rather than merely slow;
 *   <li><b>dead letters</b>: the commits dead-letter queue holds a message, which no validator will
 *       retry on its own.
 * </ul>
 *
 * Lag and stall read the service's own metrics ({@link ServiceMetrics}); missing data never alarms,
 * so a region that mirrors nothing stays quiet.
 */
public final class ReplicationAlarms extends Construct {
    /** Expression of the stall alarm: 1 when the window had pending commits throughout and no promotion. */
    public static final String STALL_EXPRESSION = "IF(FILL(pending, 0) > 0 AND FILL(promotions, 0) == 0, 1, 0)";
    private static final Duration LAG_PERIOD = Duration.minutes(5);
    private static final int SECONDS_PER_MINUTE = 60;
    private static final int SECONDS_PER_DAY = 86_400;

    private final ITopic topic;
    private final Alarm mirrorLag;
    private final Alarm promotionStalled;
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
                        + " behind its source branch. Check bucket replication (S3 replication metrics), the"
                        + " validator's logs for missing metadata files, and the promoter.")
                .metric(serviceMetric(ServiceMetrics.MIRROR_LAG_SECONDS, "Maximum", LAG_PERIOD))
                .threshold(props.getLagThreshold().toSeconds())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(props.getLagEvaluationPeriods())
                .datapointsToAlarm(props.getLagEvaluationPeriods())
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();

        // An invalid window is reported by the validation; a valid stand-in lets construction finish.
        Duration window = isValidStallWindow(props.getStallWindow()) ? props.getStallWindow() : Duration.minutes(1);
        this.promotionStalled = Alarm.Builder.create(this, "PromotionStalled")
                .alarmName(prefix + "-promotion-stalled")
                .alarmDescription("Commits were pending for " + window.toHumanString() + " and no mirror branch"
                        + " was promoted. Check the promoter's tasks and logs and the mirrors-table stream.")
                .metric(MathExpression.Builder.create()
                        .expression(STALL_EXPRESSION)
                        .usingMetrics(stallInputs(window))
                        .period(window)
                        .label("commits pending, no promotion")
                        .build())
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();

        this.deadLetters = Alarm.Builder.create(this, "DeadLetters")
                .alarmName(prefix + "-commits-dead-letters")
                .alarmDescription("The commits dead-letter queue is not empty: a CommitsDetected message failed"
                        + " every delivery. Read the validator's logs for the reason, fix it, then redrive the"
                        + " queue.")
                .metric(props.getDeadLetterQueue().metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build()))
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();

        SnsAction notify = new SnsAction(topic);
        for (Alarm alarm : List.of(mirrorLag, promotionStalled, deadLetters)) {
            alarm.addAlarmAction(notify);
            alarm.addOkAction(notify);
        }
    }

    private static Map<String, IMetric> stallInputs(Duration window) {
        Map<String, IMetric> inputs = new LinkedHashMap<>();
        // Minimum: pending during the whole window, not just at its end.
        inputs.put("pending", serviceMetric(ServiceMetrics.COMMITS_PENDING, "Minimum", window));
        inputs.put("promotions", serviceMetric(ServiceMetrics.PROMOTIONS_COMPLETED, "Sum", window));
        return inputs;
    }

    private static Metric serviceMetric(String name, String statistic, Duration period) {
        return Metric.Builder.create()
                .namespace(ServiceMetrics.NAMESPACE)
                .metricName(name)
                .statistic(statistic)
                .period(period)
                .build();
    }

    private static boolean isValidStallWindow(Duration window) {
        double seconds = window.toSeconds().doubleValue();
        return seconds >= SECONDS_PER_MINUTE && seconds <= SECONDS_PER_DAY && seconds % SECONDS_PER_MINUTE == 0;
    }

    private static List<String> validate(ReplicationAlarmsProps props) {
        List<String> problems = new ArrayList<>();
        if (!isValidStallWindow(props.getStallWindow())) {
            problems.add("stallWindow " + props.getStallWindow().toHumanString() + " must be whole minutes between"
                    + " 1 minute and 1 day: it is the period of a CloudWatch metric-math alarm");
        }
        if (props.getLagThreshold().toSeconds().doubleValue() <= 0) {
            problems.add("lagThreshold must be longer than zero");
        }
        if (props.getLagEvaluationPeriods() < 1
                || props.getLagEvaluationPeriods() * LAG_PERIOD.toSeconds().doubleValue() > SECONDS_PER_DAY) {
            problems.add("lagEvaluationPeriods " + props.getLagEvaluationPeriods() + " must be at least 1 and"
                    + " cover at most a day of 5-minute periods (288)");
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

    public Alarm getPromotionStalled() {
        return promotionStalled;
    }

    public Alarm getDeadLetters() {
        return deadLetters;
    }
}
