package io.lakemirror.infra.constructs;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.Region;
import io.lakemirror.domain.StorageNamespace;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * Invariants the constructs enforce with {@code addValidation}: the app still builds, and synthesis
 * fails listing every broken invariant with what to change.
 */
class ConstructValidationTest {
    private static final StorageNamespace SOURCE = StorageNamespace.of("s3://source-bucket/repos/a");

    static Stream<Arguments> invalidConstructs() {
        return Stream.of(
                invalid("replica in the primary region", stack -> new MirrorsTable(stack, "T", MirrorsTableProps.builder()
                        .replicaRegions(List.of("us-east-1")).build()),
                        "replica region us-east-1 is the stack's own region"),
                invalid("replica listed twice", stack -> new MirrorsTable(stack, "T", MirrorsTableProps.builder()
                        .replicaRegions(List.of("eu-west-1", "eu-west-1")).build()),
                        "replica region eu-west-1 is listed twice"),
                invalid("dead-letter beyond SQS limit", stack -> new CommitsQueue(stack, "Q", CommitsQueueProps.builder()
                        .maxReceiveCount(1001).build()),
                        "maxReceiveCount 1001 is out of range: SQS accepts 1 to 1000"),
                invalid("mirror namespace in another bucket", stack -> new NamespaceBucket(stack, "B",
                        NamespaceBucketProps.builder().bucketName("dest-bucket")
                                .mirroredNamespaces(List.of(SOURCE)).build()),
                        "mirrored namespace s3://source-bucket/repos/a is not in bucket dest-bucket"),
                invalid("noncurrent expiry under a day", stack -> new NamespaceBucket(stack, "B",
                        NamespaceBucketProps.builder().bucketName("dest-bucket")
                                .noncurrentVersionExpiration(Duration.hours(12)).build()),
                        "must be a whole number of days, at least 1"),
                invalid("replication without routes", stack -> new NamespaceReplication(stack, "R",
                        NamespaceReplicationProps.builder().sourceBucket(bucket(stack, "source-bucket")).build()),
                        "has a replication construct but no route to replicate"),
                invalid("replication into itself", stack -> new NamespaceReplication(stack, "R",
                        NamespaceReplicationProps.builder().sourceBucket(bucket(stack, "source-bucket"))
                                .routes(List.of(ReplicationRoute.of(SOURCE, Region.of("eu-west-1"), "source-bucket")))
                                .build()),
                        "replicates a bucket into itself"),
                invalid("route from another bucket", stack -> new NamespaceReplication(stack, "R",
                        NamespaceReplicationProps.builder().sourceBucket(bucket(stack, "other-bucket"))
                                .routes(List.of(ReplicationRoute.of(SOURCE, Region.of("eu-west-1"), "dest-bucket")))
                                .build()),
                        "route source s3://source-bucket/repos/a is not in bucket other-bucket"),
                invalid("no stall evaluation period", stack -> new ReplicationAlarms(stack, "A",
                        ReplicationAlarmsProps.builder().deadLetterQueue(new Queue(stack, "Dlq"))
                                .stallEvaluationPeriods(0).build()),
                        "stallEvaluationPeriods 0 must be at least 1"),
                invalid("dead-letter age below SQS's period", stack -> new ReplicationAlarms(stack, "A",
                        ReplicationAlarmsProps.builder().deadLetterQueue(new Queue(stack, "Dlq"))
                                .deadLetterAgeThreshold(Duration.minutes(1)).build()),
                        "deadLetterAgeThreshold 1 minute must be at least 5 minutes"),
                invalid("no lag evaluation period", stack -> new ReplicationAlarms(stack, "A",
                        ReplicationAlarmsProps.builder().deadLetterQueue(new Queue(stack, "Dlq"))
                                .lagEvaluationPeriods(0).build()),
                        "lagEvaluationPeriods 0 must be at least 1"),
                invalid("no NAT gateway", stack -> new ServiceNetwork(stack, "N",
                        ServiceNetworkProps.builder().natGateways(0).build()),
                        "natGateways 0 must be between 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConstructs")
    void synth_shouldFailWithTheBrokenInvariant(String description, Consumer<Stack> build, String message) {
        Stack stack = stack();
        build.accept(stack);

        assertThatThrownBy(() -> Template.fromStack(stack)).hasMessageContaining(message);
    }

    @Test
    void synth_shouldListEveryBrokenInvariant_whenSeveralConstructsAreInvalid() {
        Stack stack = stack();
        new CommitsQueue(stack, "Q", CommitsQueueProps.builder().maxReceiveCount(2000).build());
        new NamespaceBucket(stack, "B", NamespaceBucketProps.builder().bucketName("dest-bucket")
                .mirroredNamespaces(List.of(SOURCE)).build());

        assertThatThrownBy(() -> Template.fromStack(stack))
                .hasMessageContaining("maxReceiveCount 2000 is out of range")
                .hasMessageContaining("is not in bucket dest-bucket");
    }

    @Test
    void scaling_shouldRefuseToStopTheLastValidator_andACeilingBelowTheFloor() {
        Stack stack = stack();
        ServiceNetwork network = new ServiceNetwork(stack, "N", ServiceNetworkProps.builder().build());
        WorkerService validator = new WorkerService(stack, "V", WorkerServiceProps.builder()
                .cluster(network.getCluster())
                .worker(Worker.VALIDATOR)
                .taskRole(software.amazon.awscdk.services.iam.Role.Builder.create(stack, "Role")
                        .assumedBy(new software.amazon.awscdk.services.iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
                        .build())
                .environment(ServiceEnvironment.builder().build())
                .build());
        new QueueDepthScaling(stack, "S", QueueDepthScalingProps.builder()
                .service(validator.getService())
                .queue(new Queue(stack, "Q"))
                .minCapacity(0)
                .maxCapacity(-1)
                .build());

        assertThatThrownBy(() -> Template.fromStack(stack))
                .hasMessageContaining("minCapacity 0 must be at least 1")
                .hasMessageContaining("maxCapacity -1 is below minCapacity 0");
    }

    @Test
    void apiLoadBalancer_shouldBeRefusedAtSynth_whenInternetFacingWithoutACertificate() {
        Stack stack = stack();
        ServiceNetwork network = new ServiceNetwork(stack, "N", ServiceNetworkProps.builder().build());
        WorkerService api = new WorkerService(stack, "Api", WorkerServiceProps.builder()
                .cluster(network.getCluster())
                .worker(Worker.API)
                .containerPort(8008)
                .taskRole(software.amazon.awscdk.services.iam.Role.Builder.create(stack, "Role")
                        .assumedBy(new software.amazon.awscdk.services.iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
                        .build())
                .environment(ServiceEnvironment.builder().build())
                .build());
        new ApiLoadBalancer(stack, "Lb", ApiLoadBalancerProps.builder()
                .vpc(network.getVpc())
                .api(api)
                .containerPort(8008)
                .internetFacing(true)
                .build());

        assertThatThrownBy(() -> Template.fromStack(stack))
                .hasMessageContaining("an internet-facing API load balancer needs a certificate");
    }

    @Test
    void synth_shouldSucceed_whenPropsKeepTheirDefaults() {
        Stack stack = stack();
        new MirrorsTable(stack, "T", MirrorsTableProps.builder().replicaRegions(List.of("eu-west-1")).build());
        new CommitsQueue(stack, "Q", CommitsQueueProps.builder().build());
        new NamespaceBucket(stack, "B", NamespaceBucketProps.builder().bucketName("source-bucket").build());

        assertThatCode(() -> Template.fromStack(stack)).doesNotThrowAnyException();
    }

    private static Stack stack() {
        return new Stack(new App(), "Test", StackProps.builder()
                .env(Environment.builder().region("us-east-1").build())
                .build());
    }

    private static NamespaceBucket bucket(Stack stack, String name) {
        return new NamespaceBucket(stack, "Bucket", NamespaceBucketProps.builder().bucketName(name).build());
    }

    private static Arguments invalid(String description, Consumer<Stack> build, String message) {
        return Arguments.of(description, build, message);
    }
}
