package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * One worker of the service as an ECS Fargate service in private subnets: its task definition
 * (command, {@code REPLICATION_*} environment, secrets from Secrets Manager, task role), a log group,
 * and rolling deployments that roll back on failure.
 */
public final class WorkerService extends Construct {
    /**
     * The container health check: the image's health probe (its JVM and {@code lakemirror.jar}) asking
     * the task's own {@code /healthcheck/live} on {@code health.listen_address}.
     */
    public static final List<String> HEALTH_CHECK_COMMAND = List.of("CMD", "/opt/java/bin/java",
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx24m", "-cp", "/app/lakemirror.jar",
            "io.lakemirror.launcher.HealthProbe", "--live");

    private final FargateService service;
    private final ContainerDefinition container;

    public WorkerService(Construct scope, String id, WorkerServiceProps props) {
        super(scope, id);
        getNode().addValidation(() -> validate(props));
        Worker worker = props.getWorker();
        FargateTaskDefinition taskDefinition = FargateTaskDefinition.Builder.create(this, "TaskDefinition")
                .cpu(props.getCpu())
                .memoryLimitMiB(props.getMemoryLimitMiB())
                .taskRole(props.getTaskRole())
                .build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(props.getLogRetention())
                .build();
        ContainerDefinitionOptions.Builder container = ContainerDefinitionOptions.builder()
                .containerName(worker.subcommand())
                .image(props.getImage())
                .command(props.getCommand())
                .environment(props.getEnvironment().variables())
                .secrets(props.getEnvironment().containerSecrets())
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder()
                        .logGroup(logs)
                        .streamPrefix(worker.subcommand())
                        .build()))
                .essential(true)
                // Liveness, not readiness: ECS replaces a task whose check fails, which would not bring
                // back a backend that is down (readiness is on /healthcheck, and in the logs).
                .healthCheck(HealthCheck.builder()
                        .command(HEALTH_CHECK_COMMAND)
                        .interval(Duration.seconds(30))
                        .timeout(Duration.seconds(10))
                        .startPeriod(Duration.seconds(120))
                        .retries(3)
                        .build());
        props.getContainerPort().ifPresent(port ->
                container.portMappings(List.of(PortMapping.builder().containerPort(port).build())));
        this.container = taskDefinition.addContainer(worker.constructId(), container.build());
        this.service = FargateService.Builder.create(this, "Service")
                .cluster(props.getCluster())
                .taskDefinition(taskDefinition)
                .desiredCount(props.getDesiredCount())
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .circuitBreaker(DeploymentCircuitBreaker.builder().rollback(true).build())
                .assignPublicIp(false)
                .build();
    }

    private static List<String> validate(WorkerServiceProps props) {
        List<String> problems = new ArrayList<>();
        if (props.getDesiredCount() < 0) {
            problems.add("desiredCount " + props.getDesiredCount() + " must not be negative");
        }
        if (props.getCommand().isEmpty()) {
            problems.add("the " + props.getWorker().subcommand() + " container needs a command");
        }
        props.getContainerPort().filter(port -> port < 1 || port > 65535).ifPresent(port ->
                problems.add("containerPort " + port + " is not a TCP port (1 to 65535)"));
        return problems;
    }

    public FargateService getService() {
        return service;
    }

    public ContainerDefinition getContainer() {
        return container;
    }
}
