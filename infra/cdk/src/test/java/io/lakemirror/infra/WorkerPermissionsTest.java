package io.lakemirror.infra;

import static io.lakemirror.infra.ExampleDeployment.bucket;
import static io.lakemirror.infra.ExampleDeployment.other;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.Region;
import io.lakemirror.infra.constructs.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Least privilege, checked on the synthesized policies: each worker's complete permission set is
 * compared exactly, so a grant added anywhere shows up here.
 */
class WorkerPermissionsTest {
    /**
     * Actions AWS authorizes only on {@code "*"}: the only statements allowed a wildcard resource.
     * <ul>
     *   <li>{@code cloudwatch:PutMetricData} has no resource type; the statement is narrowed by a
     *       {@code cloudwatch:namespace} condition instead (asserted below);
     *   <li>{@code dynamodb:ListStreams} has no resource type (the stream reads themselves are scoped);
     *   <li>{@code ecr:GetAuthorizationToken} is account-wide (image pulls are scoped to the repository).
     * </ul>
     */
    private static final Set<String> ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = Set.of(
            "cloudwatch:PutMetricData", "dynamodb:ListStreams", "ecr:GetAuthorizationToken");

    private static final List<String> TABLE_READ_WRITE = List.of(
            "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:Scan",
            "dynamodb:ConditionCheckItem", "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetRecords", "dynamodb:GetShardIterator");
    private static final List<String> KCL_TABLE = List.of(
            "dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:Scan",
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
    private static final String ARN = "arn:${AWS::Partition}:";
    private static final String ACCOUNT = "${AWS::AccountId}";

    private final ExampleDeployment deployment = ExampleDeployment.get();

    static Stream<Arguments> workersByRegion() {
        return Stream.of("us-east-1", "eu-west-1").flatMap(region ->
                Stream.of(Worker.values()).map(worker -> Arguments.of(region, worker)));
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("workersByRegion")
    void taskRole_shouldAllowExactlyWhatTheWorkerDoes(String name, Worker worker) {
        Region region = Region.of(name);
        TemplateJson json = deployment.json(region);

        TreeSet<String> actual = TemplateJson.permissions(json.statementsOf(roleId(json, worker)));

        assertThat(actual).isEqualTo(new TreeSet<>(expected(region, worker, json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void everyStatement_shouldNameItsResources_exceptActionsThatAwsOffersOnlyOnWildcard(String name) {
        for (Map<String, Object> statement : deployment.json(Region.of(name)).allIdentityStatements()) {
            boolean wildcard = TemplateJson.list(statement.get("Resource")).stream()
                    .map(TemplateJson::render).anyMatch("*"::equals);
            if (wildcard) {
                assertThat(TemplateJson.list(statement.get("Action")))
                        .as("actions granted on Resource \"*\" in %s", statement)
                        .allSatisfy(action -> assertThat(action).isIn(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void everyStatement_shouldNameItsActions_neverAServiceWildcard(String name) {
        for (Map<String, Object> statement : deployment.json(Region.of(name)).allIdentityStatements()) {
            assertThat(TemplateJson.list(statement.get("Action")))
                    .allSatisfy(action -> assertThat(String.valueOf(action)).doesNotContain("*"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void metricsStatement_shouldBeLimitedToServiceNamespaces(String name) {
        List<Map<String, Object>> publishing = deployment.json(Region.of(name)).allIdentityStatements().stream()
                .filter(statement -> TemplateJson.list(statement.get("Action")).contains("cloudwatch:PutMetricData"))
                .toList();

        assertThat(publishing).hasSize(Worker.values().length).allSatisfy(statement ->
                assertThat(statement.get("Condition")).asString().contains("cloudwatch:namespace", "lakemirror"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void taskRoles_shouldTrustOnlyEcsTasksOfThisAccount(String name) {
        TemplateJson json = deployment.json(Region.of(name));
        for (Worker worker : Worker.values()) {
            Map<String, Object> trust = TemplateJson.properties(json.resources("AWS::IAM::Role").get(roleId(json, worker)));
            assertThat(String.valueOf(trust.get("AssumeRolePolicyDocument")))
                    .contains("ecs-tasks.amazonaws.com", "aws:SourceAccount", "aws:SourceArn");
        }
    }

    private static String roleId(TemplateJson json, Worker worker) {
        String description = "lakemirror " + worker.subcommand() + " task role";
        return json.resources("AWS::IAM::Role").entrySet().stream()
                .filter(e -> description.equals(TemplateJson.properties(e.getValue()).get("Description")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no role described \"" + description + "\""));
    }

    private static List<String> expected(Region region, Worker worker, TemplateJson json) {
        String mirrors = ARN + "dynamodb:" + region + ":" + ACCOUNT + ":table/lakemirror-mirrors";
        String refstore = "${" + json.onlyId("AWS::DynamoDB::Table") + ".Arn}";
        String commitsQueue = "${" + json.resources("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> "lakemirror-commits.fifo".equals(TemplateJson.properties(e.getValue()).get("QueueName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow() + ".Arn}";
        String bucket = ARN + "s3:::" + bucket(region);
        String inbound = region.equals(ExampleDeployment.US) ? "repos/training-data" : "repos/analytics";
        String kcl = ARN + "dynamodb:" + region + ":" + ACCOUNT + ":table/lakemirror-mirrors-changes-" + region;

        List<String> out = new ArrayList<>();
        out.add("cloudwatch:PutMetricData on *");
        switch (worker) {
            case SENSOR -> {
                out.addAll(on(TABLE_READ_WRITE, mirrors));
                out.addAll(on(List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"),
                        ARN + "sqs:" + other(region) + ":" + ACCOUNT + ":lakemirror-commits.fifo"));
            }
            case VALIDATOR -> {
                out.addAll(on(List.of("sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl",
                        "sqs:DeleteMessage", "sqs:GetQueueAttributes"), commitsQueue));
                out.addAll(on(TABLE_READ_WRITE, refstore));
                out.addAll(on(TABLE_READ_WRITE, mirrors));
                out.add("s3:GetObject on " + bucket + "/" + inbound + "/_lakefs/*");
                out.add("s3:ListBucket on " + bucket);
            }
            case PROMOTER -> {
                out.addAll(on(TABLE_READ_WRITE, mirrors));
                out.add("dynamodb:ListStreams on *");
                out.addAll(on(List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
                        mirrors + "/stream/*"));
                out.addAll(on(TABLE_READ_WRITE, refstore));
                out.addAll(on(KCL_TABLE, kcl));
                out.addAll(on(KCL_TABLE, kcl + "-WorkerMetricStats"));
                out.addAll(on(KCL_TABLE, kcl + "-CoordinatorState"));
                out.add("dynamodb:Query on " + kcl + "/index/*");
            }
            case API -> out.addAll(on(TABLE_READ_WRITE, mirrors));
            default -> throw new AssertionError(worker);
        }
        return out;
    }

    private static List<String> on(List<String> actions, String resource) {
        return actions.stream().map(action -> action + " on " + resource).toList();
    }
}
