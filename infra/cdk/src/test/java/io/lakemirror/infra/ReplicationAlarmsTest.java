package io.lakemirror.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.Region;
import io.lakemirror.infra.constructs.ReplicationAlarms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The alarms of each region of the example deployment, with their default thresholds. */
class ReplicationAlarmsTest {
    private final ExampleDeployment deployment = ExampleDeployment.get();

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void mirrorLagAlarm_shouldFire_whenWorstBranchLagsThirtyMinutesForFifteen(String name) {
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
                "TreatMissingData", "notBreaching"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void stallAlarm_shouldFire_whenCommitsStayPendingWithoutPromotionForThirtyMinutes(String name) {
        Template template = deployment.template(Region.of(name));
        Map<String, Object> stall = Map.of(
                "AlarmName", "lakemirror-promotion-stalled",
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "EvaluationPeriods", 1,
                "TreatMissingData", "notBreaching");
        for (Map<String, Object> query : List.<Map<String, Object>>of(
                Map.of("Expression", ReplicationAlarms.STALL_EXPRESSION, "ReturnData", true),
                Map.of("Id", "pending", "ReturnData", false, "MetricStat", Map.of(
                        "Metric", Map.of("Namespace", "lakemirror", "MetricName", "CommitsPending"),
                        "Period", 1800,
                        "Stat", "Minimum")),
                Map.of("Id", "promotions", "ReturnData", false, "MetricStat", Map.of(
                        "Metric", Map.of("Namespace", "lakemirror", "MetricName", "PromotionsCompleted"),
                        "Period", 1800,
                        "Stat", "Sum")))) {
            Map<String, Object> expected = new java.util.HashMap<>(stall);
            expected.put("Metrics", Match.arrayWith(List.of(Match.objectLike(query))));
            template.hasResourceProperties("AWS::CloudWatch::Alarm", expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void deadLetterAlarm_shouldFire_whenDeadLetterQueueHoldsAMessage(String name) {
        TemplateJson json = deployment.json(Region.of(name));
        String deadLetterQueue = json.resources("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> "lakemirror-commits-dlq.fifo".equals(TemplateJson.properties(e.getValue()).get("QueueName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        deployment.template(Region.of(name)).hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "lakemirror-commits-dead-letters",
                "Namespace", "AWS/SQS",
                "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(deadLetterQueue, "QueueName")))),
                "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "EvaluationPeriods", 1));
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
