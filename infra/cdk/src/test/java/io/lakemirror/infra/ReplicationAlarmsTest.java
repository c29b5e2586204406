package io.lakemirror.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.Region;
import io.lakemirror.infra.constructs.ReplicationAlarms;
import io.lakemirror.metrics.AlarmMetric;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

/** The alarms of each region of the example deployment, with their default thresholds. */
class ReplicationAlarmsTest {
    private final ExampleDeployment deployment = ExampleDeployment.get();

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void mirrorLagAlarm_shouldFire_whenWorstBranchLagsThirtyMinutesForFifteenOrTheMetricIsMissing(String name) {
        deployment.template(Region.of(name)).hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "lakemirror-mirror-lag",
                "Namespace", "lakemirror",
                "MetricName", "MirrorLagSeconds",
                "Statistic", "Maximum",
                "Period", 300,
                "Threshold", 1800,
                "ComparisonOperator", "GreaterThanThreshold",
                "EvaluationPeriods", 3,
                "DatapointsToAlarm", 3,
                "TreatMissingData", "breaching"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void stalledBranchesAlarm_shouldFireOnTheRegionsCountOfStalledBranches_withoutDimensions(String name) {
        TemplateJson json = deployment.json(Region.of(name));
        Map<String, Object> alarm = alarm(json, "lakemirror-stalled-branches");

        assertThat(alarm).containsEntry("Namespace", "lakemirror")
                .containsEntry("MetricName", AlarmMetric.STALLED_BRANCHES.cloudWatchName())
                .containsEntry("Statistic", "Maximum")
                .containsEntry("Period", 300)
                .containsEntry("Threshold", 1)
                .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold")
                .containsEntry("EvaluationPeriods", 3)
                .containsEntry("DatapointsToAlarm", 3)
                .containsEntry("TreatMissingData", "breaching")
                // The count covers every branch: one series per region, as the service publishes it.
                .doesNotContainKey("Dimensions");
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void serviceMetricAlarms_shouldTreatMissingDataAsBreaching_andNoAlarmShouldReadTheRegionWidePromotionCount(String name) {
        TemplateJson json = deployment.json(Region.of(name));
        List<Map<String, Object>> serviceAlarms = json.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(TemplateJson::properties)
                .filter(p -> "lakemirror".equals(p.get("Namespace")))
                .toList();

        assertThat(serviceAlarms).hasSize(2).allSatisfy(a -> assertThat(a).containsEntry("TreatMissingData", "breaching"));
        assertThat(json.resources("AWS::CloudWatch::Alarm").values()).map(TemplateJson::properties).map(String::valueOf)
                .noneMatch(p -> p.contains("PromotionsCompleted"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void deadLetterAlarm_shouldFire_whenTheOldestDeadLetterIsOlderThanAnHour(String name) {
        TemplateJson json = deployment.json(Region.of(name));
        String deadLetterQueue = json.resources("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> "lakemirror-commits-dlq.fifo".equals(TemplateJson.properties(e.getValue()).get("QueueName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        Map<String, Object> alarm = alarm(json, "lakemirror-commits-dead-letters");

        assertThat(alarm).containsEntry("Threshold", 3600)
                .containsEntry("ComparisonOperator", "GreaterThanThreshold")
                .containsEntry("EvaluationPeriods", 1)
                // SQS stops publishing for an idle queue: there, no data means no dead letter.
                .containsEntry("TreatMissingData", "notBreaching");
        deployment.template(Region.of(name)).hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "lakemirror-commits-dead-letters",
                "Metrics", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Expression", ReplicationAlarms.DEAD_LETTER_AGE_EXPRESSION,
                                "ReturnData", true)),
                        Match.objectLike(Map.of("Id", "age", "ReturnData", false, "MetricStat", Map.of(
                                "Metric", Map.of("Namespace", "AWS/SQS",
                                        "MetricName", "ApproximateAgeOfOldestMessage",
                                        "Dimensions", List.of(Map.of("Name", "QueueName",
                                                "Value", Map.of("Fn::GetAtt", List.of(deadLetterQueue, "QueueName"))))),
                                "Period", 300,
                                "Stat", "Maximum")))))));
        // Not the number of messages: a dead letter alarms only once nobody handled it for the threshold.
        assertThat(String.valueOf(alarm)).doesNotContain("ApproximateNumberOfMessagesVisible");
    }

    private static Map<String, Object> alarm(TemplateJson json, String alarmName) {
        return json.resources("AWS::CloudWatch::Alarm").values().stream().map(TemplateJson::properties)
                .filter(p -> alarmName.equals(p.get("AlarmName"))).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void everyReplicationAlarm_shouldNotifyTheAlarmTopic_onAlarmAndRecovery(String name) {
        TemplateJson json = deployment.json(Region.of(name));
        String topic = "${" + json.onlyId("AWS::SNS::Topic") + "}";
        List<Map<String, Object>> alarms = json.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(TemplateJson::properties)
                .filter(p -> String.valueOf(p.get("AlarmName")).startsWith("lakemirror-"))
                .toList();

        assertThat(alarms).hasSize(3).allSatisfy(alarm -> {
            assertThat(TemplateJson.list(alarm.get("AlarmActions"))).map(TemplateJson::render).containsExactly(topic);
            assertThat(TemplateJson.list(alarm.get("OKActions"))).map(TemplateJson::render).containsExactly(topic);
        });
    }
}
