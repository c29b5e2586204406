package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.BasicStepScalingPolicyProps;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.applicationautoscaling.ScalingInterval;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.constructs.Construct;

/**
 * Step scaling of a queue consumer on the queue's backlog (approximate visible messages, maximum
 * over a minute): one task more from {@code scaleOutBacklog} messages, three more from ten times
 * that, one fewer when the queue is empty.
 */
public final class QueueDepthScaling extends Construct {
    private static final int STRONG_SCALE_OUT_FACTOR = 10;

    private final ScalableTaskCount taskCount;

    public QueueDepthScaling(Construct scope, String id, QueueDepthScalingProps props) {
        super(scope, id);
        getNode().addValidation(() -> validate(props));
        // Out-of-range props are reported by the validation above together with every other problem;
        // clamped here only so that the scalable target can be built until then.
        int min = Math.max(0, props.getMinCapacity());
        this.taskCount = props.getService().autoScaleTaskCount(EnableScalingProps.builder()
                .minCapacity(min)
                .maxCapacity(Math.max(min, props.getMaxCapacity()))
                .build());
        int backlog = Math.max(1, props.getScaleOutBacklog());
        taskCount.scaleOnMetric("Backlog", BasicStepScalingPolicyProps.builder()
                .metric(props.getQueue().metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(Duration.minutes(1))
                        .statistic("Maximum")
                        .build()))
                .adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY)
                .scalingSteps(List.of(
                        ScalingInterval.builder().upper(0).change(-1).build(),
                        ScalingInterval.builder().lower(backlog).change(+1).build(),
                        ScalingInterval.builder().lower(backlog * STRONG_SCALE_OUT_FACTOR).change(+3).build()))
                .cooldown(Duration.minutes(2))
                .build());
    }

    private static List<String> validate(QueueDepthScalingProps props) {
        List<String> problems = new ArrayList<>();
        if (props.getMinCapacity() < 1) {
            problems.add("minCapacity " + props.getMinCapacity() + " must be at least 1: the consumer's periodic"
                    + " pass must keep running when the queue is empty");
        }
        if (props.getMaxCapacity() < props.getMinCapacity()) {
            problems.add("maxCapacity " + props.getMaxCapacity() + " is below minCapacity " + props.getMinCapacity());
        }
        if (props.getScaleOutBacklog() < 1) {
            problems.add("scaleOutBacklog " + props.getScaleOutBacklog() + " must be at least 1 message");
        }
        return problems;
    }

    public ScalableTaskCount getTaskCount() {
        return taskCount;
    }
}
