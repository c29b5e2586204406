package io.lakemirror.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.Region;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Each region's FIFO commits queue and its dead-letter queue, in the example deployment. */
class CommitsQueueTest {
    private static final int FOURTEEN_DAYS = 14 * 24 * 3600;

    private final ExampleDeployment deployment = ExampleDeployment.get();

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void commitsQueue_shouldBeFifoWithPerGroupDeduplication_inEveryRegion(String region) {
        deployment.template(Region.of(region)).hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", "lakemirror-commits.fifo",
                "FifoQueue", true,
                "ContentBasedDeduplication", false,
                "DeduplicationScope", "messageGroup",
                "FifoThroughputLimit", "perMessageGroupId",
                "MessageRetentionPeriod", FOURTEEN_DAYS,
                "VisibilityTimeout", 300,
                "SqsManagedSseEnabled", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void commitsQueue_shouldRedriveToFifoDeadLetterQueue_afterFiveReceives(String region) {
        Template template = deployment.template(Region.of(region));
        TemplateJson json = deployment.json(Region.of(region));
        String deadLetterId = json.resources("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> "lakemirror-commits-dlq.fifo".equals(TemplateJson.properties(e.getValue()).get("QueueName")))
                .map(Map.Entry::getKey)
                .findFirst().orElseThrow();
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", "lakemirror-commits-dlq.fifo",
                "FifoQueue", true,
                "MessageRetentionPeriod", FOURTEEN_DAYS,
                "RedrivePolicy", Match.absent()));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", "lakemirror-commits.fifo",
                "RedrivePolicy", Map.of(
                        "deadLetterTargetArn", Map.of("Fn::GetAtt", java.util.List.of(deadLetterId, "Arn")),
                        "maxReceiveCount", 5)));
        assertThat(json.resources("AWS::SQS::Queue")).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void queues_shouldRefuseRequestsWithoutTls_inEveryRegion(String region) {
        deployment.template(Region.of(region)).resourcePropertiesCountIs("AWS::SQS::QueuePolicy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(java.util.List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))), 2);
    }
}
