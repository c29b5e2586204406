package io.lakemirror.infra;

import static io.lakemirror.infra.ExampleDeployment.other;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.config.ConfigKey;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.domain.Region;
import io.lakemirror.infra.constructs.Worker;
import io.lakemirror.infra.topology.Topology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

/** The ECS services of the example deployment: commands, configuration, scaling, load balancer. */
class WorkerServicesTest {
    private static final Set<String> SERVICE_ENV_NAMES = ConfigKeys.ALL.stream()
            .map(ConfigKey::envName).collect(Collectors.toSet());

    private final ExampleDeployment deployment = ExampleDeployment.get();

    static Stream<Arguments> workersByRegion() {
        return Stream.of("us-east-1", "eu-west-1").flatMap(region ->
                Stream.of(Worker.values()).map(worker -> Arguments.of(region, worker)));
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("workersByRegion")
    void container_shouldRunTheWorkerSubcommandFromTheEcrImage(String name, Worker worker) {
        Map<String, Object> container = container(Region.of(name), worker);

        // The image's entrypoint is java with its container flags and -jar /app/lakemirror.jar.
        assertThat(container.get("Command")).isEqualTo(List.of(worker.subcommand()));
        assertThat(TemplateJson.render(container.get("Image")))
                .isEqualTo("${AWS::AccountId}.dkr.ecr." + name + ".${AWS::URLSuffix}/lakemirror:0.1.0");
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("workersByRegion")
    void environment_shouldUseOnlyTheServicesOwnVariableNames(String name, Worker worker) {
        Map<String, Object> container = container(Region.of(name), worker);

        assertThat(environment(container).keySet()).isNotEmpty().isSubsetOf(SERVICE_ENV_NAMES);
        assertThat(secretNames(container)).isSubsetOf(SERVICE_ENV_NAMES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void environment_shouldDescribeThisRegionAndItsResources(String name) {
        Region region = Region.of(name);
        Map<String, String> env = environment(container(region, Worker.VALIDATOR));

        assertThat(env).containsEntry(ConfigKeys.REGION.envName(), name)
                .containsEntry(ConfigKeys.ORGANIZATION_ID.envName(), "example-org")
                .containsEntry(ConfigKeys.REGIONAL_ENDPOINT.envName(), "https://lakefs." + name + ".example.com")
                .containsEntry(ConfigKeys.DST_ENDPOINTS.envName(),
                        other(region) + "=https://lakefs." + other(region) + ".example.com")
                .containsEntry(ConfigKeys.MIRRORS_DATABASE_TYPE.envName(), "dynamodb")
                .containsEntry(ConfigKeys.MIRRORS_DATABASE_DYNAMODB_TABLE_NAME.envName(), "lakemirror-mirrors")
                .containsEntry(ConfigKeys.REFSTORE_DATABASE_DYNAMODB_TABLE_NAME.envName(), "lakemirror-refstore")
                .containsEntry(ConfigKeys.QUEUE_SQS_QUEUE_NAME.envName(), "lakemirror-commits.fifo")
                .containsEntry(ConfigKeys.LISTEN_ADDRESS.envName(), "0.0.0.0:8008")
                .containsEntry(ConfigKeys.LOGGING_FORMAT.envName(), "json")
                // from the topology's "config" section
                .containsEntry(ConfigKeys.VALIDATOR_NUM_WORKERS.envName(), "4")
                .containsEntry(ConfigKeys.COMMIT_SENSOR_PROCESS_BRANCHES_DURATION.envName(), "30s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void configuration_shouldSetEveryKeyTheDeploymentOwns_andNoSecretInPlainText(String name) {
        Map<String, Object> container = container(Region.of(name), Worker.SENSOR);
        Set<String> configured = new java.util.HashSet<>(environment(container).keySet());
        configured.addAll(secretNames(container));

        List<String> deploymentSet = List.of(ConfigKeys.REGION, ConfigKeys.ORGANIZATION_ID,
                        ConfigKeys.REGIONAL_ENDPOINT, ConfigKeys.DST_ENDPOINTS, ConfigKeys.LAKEFS_ACCESS_KEY_ID,
                        ConfigKeys.LAKEFS_SECRET_ACCESS_KEY, ConfigKeys.AUTH_ENCRYPT_SECRET_KEY,
                        ConfigKeys.MIRRORS_DATABASE_TYPE, ConfigKeys.MIRRORS_DATABASE_DYNAMODB_TABLE_NAME,
                        ConfigKeys.REFSTORE_DATABASE_TYPE, ConfigKeys.REFSTORE_DATABASE_DYNAMODB_TABLE_NAME,
                        ConfigKeys.BLOCKSTORE_TYPE, ConfigKeys.QUEUE_TYPE, ConfigKeys.QUEUE_SQS_QUEUE_NAME,
                        ConfigKeys.LISTEN_ADDRESS).stream()
                .peek(key -> assertThat(Topology.RESERVED_CONFIG).containsKey(key))
                .map(ConfigKey::envName).toList();
        assertThat(configured).containsAll(deploymentSet);
        assertThat(environment(container).keySet()).doesNotContainAnyElementsOf(ConfigKeys.ALL.stream()
                .filter(ConfigKey::isSecret).map(ConfigKey::envName).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void secrets_shouldComeFromSecretsManager(String name) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> secrets = (List<Map<String, Object>>) container(Region.of(name), Worker.API).get("Secrets");
        Map<String, String> byName = secrets.stream().collect(Collectors.toMap(
                s -> (String) s.get("Name"), s -> TemplateJson.render(s.get("ValueFrom"))));

        String prefix = "arn:${AWS::Partition}:secretsmanager:" + name + ":${AWS::AccountId}:secret:";
        assertThat(byName).containsOnly(
                Map.entry(ConfigKeys.LAKEFS_SECRET_ACCESS_KEY.envName(), prefix + "lakemirror/lakefs-secret-access-key"),
                Map.entry(ConfigKeys.AUTH_ENCRYPT_SECRET_KEY.envName(), prefix + "lakemirror/auth-encrypt-secret-key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void services_shouldRunInPrivateSubnetsAndRollBackFailedDeployments(String name) {
        deployment.template(Region.of(name)).resourcePropertiesCountIs("AWS::ECS::Service", Map.of(
                "LaunchType", "FARGATE",
                "NetworkConfiguration", Map.of("AwsvpcConfiguration", Match.objectLike(Map.of(
                        "AssignPublicIp", "DISABLED"))),
                "DeploymentConfiguration", Match.objectLike(Map.of(
                        "DeploymentCircuitBreaker", Map.of("Enable", true, "Rollback", true),
                        "MinimumHealthyPercent", 100))), Worker.values().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void validator_shouldScaleBetweenTheTopologysCounts_onCommitsQueueDepth(String name) {
        Region region = Region.of(name);
        TemplateJson json = deployment.json(region);
        Map<String, Object> target = scalableTarget(json, Worker.VALIDATOR);
        assertThat(target).containsEntry("MinCapacity", 2).containsEntry("MaxCapacity", 6)
                .containsEntry("ScalableDimension", "ecs:service:DesiredCount");
        assertThat(TemplateJson.render(target.get("ResourceId")))
                .contains("${" + json.onlyIdWithPrefix("AWS::ECS::Service", "ValidatorService") + ".Name}");
        String queueName = "${" + commitsQueueId(json) + ".QueueName}";
        List<Map<String, Object>> scalingAlarms = json.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(TemplateJson::properties)
                .filter(p -> "ApproximateNumberOfMessagesVisible".equals(p.get("MetricName")))
                .filter(p -> String.valueOf(p.get("Dimensions")).contains("QueueName"))
                .filter(p -> TemplateJson.list(p.get("Dimensions")).stream()
                        .anyMatch(d -> TemplateJson.render(((Map<?, ?>) d).get("Value")).equals(queueName)))
                .toList();
        assertThat(scalingAlarms).extracting(p -> p.get("Threshold")).containsExactlyInAnyOrder(0, 100);
        deployment.template(region).resourcePropertiesCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
                "PolicyType", "StepScaling"), 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void api_shouldSitBehindInternalLoadBalancer_probingTheHealthCheck(String name) {
        Region region = Region.of(name);
        deployment.template(region).hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Map.of(
                "Scheme", "internal", "Type", "application"));
        deployment.template(region).hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of(
                "Port", 80, "Protocol", "HTTP"));
        deployment.template(region).hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Map.of(
                "Port", 8008,
                "Protocol", "HTTP",
                "TargetType", "ip",
                "HealthCheckPath", "/healthcheck",
                "Matcher", Map.of("HttpCode", "204")));
        assertThat(container(region, Worker.API).get("PortMappings")).asString().contains("ContainerPort=8008");
        deployment.template(region).hasResourceProperties("AWS::ECS::Service", Map.of(
                "DesiredCount", 2,
                "LoadBalancers", List.of(Match.objectLike(Map.of("ContainerName", "api", "ContainerPort", 8008)))));
    }

    /** topology.example.json: sensor 1..3, validator 2..6, promoter 1..3, api 2..4. */
    static Stream<Arguments> topologyCounts() {
        return Stream.of("us-east-1", "eu-west-1").flatMap(region -> Stream.of(
                Arguments.of(region, Worker.SENSOR, 1, 3), Arguments.of(region, Worker.VALIDATOR, 2, 6),
                Arguments.of(region, Worker.PROMOTER, 1, 3), Arguments.of(region, Worker.API, 2, 4)));
    }

    @ParameterizedTest(name = "{1} in {0}: {2}..{3}")
    @MethodSource("topologyCounts")
    void service_shouldRunTheTopologysDesiredCount_andScaleUpToItsMaximum(String name, Worker worker, int desired, int max) {
        TemplateJson json = deployment.json(Region.of(name));
        Map<String, Object> service = TemplateJson.properties(json.resources("AWS::ECS::Service")
                .get(json.onlyIdWithPrefix("AWS::ECS::Service", worker.constructId() + "Service")));

        assertThat(service).containsEntry("DesiredCount", desired);
        assertThat(scalableTarget(json, worker)).containsEntry("MinCapacity", desired).containsEntry("MaxCapacity", max);
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void sensorPromoterAndApi_shouldScaleOnCpu_whileTheValidatorScalesOnItsQueue(String name) {
        deployment.template(Region.of(name)).resourcePropertiesCountIs("AWS::ApplicationAutoScaling::ScalingPolicy",
                Map.of("PolicyType", "TargetTrackingScaling",
                        "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                                "TargetValue", 60,
                                "PredefinedMetricSpecification", Map.of(
                                        "PredefinedMetricType", "ECSServiceAverageCPUUtilization")))), 3);
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("workersByRegion")
    void container_shouldCheckItsOwnLivenessWithTheImagesProbe(String name, Worker worker) {
        Map<String, Object> container = container(Region.of(name), worker);

        assertThat(container.get("HealthCheck")).asString()
                .contains("io.lakemirror.launcher.HealthProbe, --live").contains("StartPeriod=120");
        assertThat(environment(container)).containsEntry(ConfigKeys.HEALTH_LISTEN_ADDRESS.envName(), "0.0.0.0:8009");
    }

    private static Map<String, Object> scalableTarget(TemplateJson json, Worker worker) {
        String service = "${" + json.onlyIdWithPrefix("AWS::ECS::Service", worker.constructId() + "Service") + ".Name}";
        return json.resources("AWS::ApplicationAutoScaling::ScalableTarget").values().stream()
                .map(TemplateJson::properties)
                .filter(p -> TemplateJson.render(p.get("ResourceId")).contains(service))
                .findFirst().orElseThrow(() -> new AssertionError("no scalable target for " + worker));
    }

    private Map<String, Object> container(Region region, Worker worker) {
        TemplateJson json = deployment.json(region);
        Map<String, Object> taskDefinition = json.resources("AWS::ECS::TaskDefinition")
                .get(json.onlyIdWithPrefix("AWS::ECS::TaskDefinition", worker.constructId() + "Service"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> containers =
                (List<Map<String, Object>>) TemplateJson.properties(taskDefinition).get("ContainerDefinitions");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object variable : TemplateJson.list(container.get("Environment"))) {
            Map<String, Object> v = (Map<String, Object>) variable;
            env.put((String) v.get("Name"), TemplateJson.render(v.get("Value")));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static List<String> secretNames(Map<String, Object> container) {
        return TemplateJson.list(container.get("Secrets")).stream()
                .map(s -> (String) ((Map<String, Object>) s).get("Name")).toList();
    }

    private static String commitsQueueId(TemplateJson json) {
        return json.resources("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> "lakemirror-commits.fifo".equals(TemplateJson.properties(e.getValue()).get("QueueName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }
}
