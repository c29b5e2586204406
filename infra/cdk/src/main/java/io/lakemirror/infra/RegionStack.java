package io.lakemirror.infra;

import io.lakemirror.config.ConfigKeys;
import io.lakemirror.config.ListenAddress;
import io.lakemirror.domain.Region;
import io.lakemirror.infra.constructs.ApiLoadBalancer;
import io.lakemirror.infra.constructs.ApiLoadBalancerProps;
import io.lakemirror.infra.constructs.CommitsQueue;
import io.lakemirror.infra.constructs.CommitsQueueProps;
import io.lakemirror.infra.constructs.MirrorsTable;
import io.lakemirror.infra.constructs.MirrorsTableProps;
import io.lakemirror.infra.constructs.NamespaceBucket;
import io.lakemirror.infra.constructs.NamespaceBucketProps;
import io.lakemirror.infra.constructs.NamespaceReplication;
import io.lakemirror.infra.constructs.NamespaceReplicationProps;
import io.lakemirror.infra.constructs.QueueDepthScaling;
import io.lakemirror.infra.constructs.QueueDepthScalingProps;
import io.lakemirror.infra.constructs.RefstoreTable;
import io.lakemirror.infra.constructs.RefstoreTableProps;
import io.lakemirror.infra.constructs.ReplicationAlarms;
import io.lakemirror.infra.constructs.ReplicationAlarmsProps;
import io.lakemirror.infra.constructs.ReplicationRoute;
import io.lakemirror.infra.constructs.ServiceEnvironment;
import io.lakemirror.infra.constructs.ServiceNetwork;
import io.lakemirror.infra.constructs.ServiceNetworkProps;
import io.lakemirror.infra.constructs.Worker;
import io.lakemirror.infra.constructs.WorkerRoles;
import io.lakemirror.infra.constructs.WorkerRolesProps;
import io.lakemirror.infra.constructs.WorkerService;
import io.lakemirror.infra.constructs.WorkerServiceProps;
import io.lakemirror.infra.topology.ImageSpec;
import io.lakemirror.infra.topology.RegionSpec;
import io.lakemirror.infra.topology.Topology;
import io.lakemirror.infra.topology.WorkerCounts;
import io.lakemirror.store.ChangeFeed;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * Everything lakemirror runs in one region, composed from the topology: the mirrors table (in the
 * primary region only; a replica elsewhere), the refstore, the commits queue, the namespace bucket
 * and its replication rules, the worker roles and services, the API load balancer and the alarms.
 */
public final class RegionStack extends Stack {
    /** Average CPU the sensor, promoter and API services are scaled to. */
    static final int CPU_TARGET_PERCENT = 60;
    private final Map<Worker, WorkerService> services = new EnumMap<>(Worker.class);
    private final MirrorsTable mirrorsTable;

    public RegionStack(Construct scope, String id, RegionStackProps props) {
        super(scope, id, StackProps.builder()
                .env(environment(props.getTopology(), props.getRegion()))
                .stackName(nameFor(props.getRegion()))
                .description("lakemirror in " + props.getRegion() + ": transactional mirroring of lakeFS repositories")
                .build());
        Topology topology = props.getTopology();
        Region region = props.getRegion();
        RegionSpec here = topology.region(region);
        Tags.of(this).add("project", "lakemirror");

        this.mirrorsTable = region.equals(topology.primaryRegion())
                ? new MirrorsTable(this, "MirrorsDatabase", MirrorsTableProps.builder()
                        .replicaRegions(topology.otherRegions(region).stream().map(r -> r.name().value()).toList())
                        .build())
                : null;
        ITable mirrors = MirrorsTable.replicaInThisRegion(this, "MirrorsReplica", MirrorsTable.DEFAULT_TABLE_NAME);
        RefstoreTable refstore = new RefstoreTable(this, "Refstore", RefstoreTableProps.builder().build());
        CommitsQueue commits = new CommitsQueue(this, "Commits", CommitsQueueProps.builder().build());

        NamespaceBucket bucket = new NamespaceBucket(this, "Namespaces", NamespaceBucketProps.builder()
                .bucketName(here.bucket())
                .mirroredNamespaces(topology.mirroredNamespacesIn(region))
                .build());
        List<ReplicationRoute> outbound = topology.routesFrom(region);
        if (props.isBucketReplication() && !outbound.isEmpty()) {
            new NamespaceReplication(this, "Replication", NamespaceReplicationProps.builder()
                    .sourceBucket(bucket)
                    .routes(outbound)
                    .build());
        }

        WorkerRoles roles = new WorkerRoles(this, "Roles", WorkerRolesProps.builder()
                .mirrorsTable(mirrors)
                .refstoreTable(refstore.getTable())
                .commitsQueue(commits.getQueue())
                .destinationQueueArns(topology.destinationsOf(region).stream()
                        .map(destination -> CommitsQueue.arnInRegion(this, destination.value(), commits.getQueueName()))
                        .toList())
                .mirroredNamespaces(topology.mirroredNamespacesIn(region))
                // The promoter's lease tables are named after the service's own default, so the grant fits.
                .kclApplicationName(ChangeFeed.consumerGroup(MirrorsTable.DEFAULT_TABLE_NAME, region))
                .build());

        ServiceNetwork network = new ServiceNetwork(this, "Network", ServiceNetworkProps.builder()
                .availabilityZones(here.availabilityZones())
                .build());
        ServiceEnvironment configuration = configuration(topology, here, refstore, commits);
        int apiPort = ListenAddress.parse(configuration.value(ConfigKeys.LISTEN_ADDRESS).orElseThrow()).port();
        ContainerImage image = containerImage(topology.image());
        for (Worker worker : Worker.values()) {
            WorkerServiceProps.Builder service = WorkerServiceProps.builder()
                    .cluster(network.getCluster())
                    .worker(worker)
                    .image(image)
                    .taskRole(roles.getRole(worker))
                    .environment(configuration);
            service.desiredCount(topology.counts(worker).desired());
            if (worker == Worker.API) {
                service.containerPort(apiPort);
            }
            WorkerService created = new WorkerService(this, worker.constructId() + "Service", service.build());
            if (mirrorsTable != null) {
                // A worker that starts before its table exists creates a plain regional table of that name,
                // which would then block the global table's replica.
                created.getNode().addDependency(mirrorsTable);
            }
            services.put(worker, created);
        }

        WorkerCounts validators = topology.counts(Worker.VALIDATOR);
        new QueueDepthScaling(this, "ValidatorScaling", QueueDepthScalingProps.builder()
                .service(services.get(Worker.VALIDATOR).getService())
                .queue(commits.getQueue())
                .minCapacity(validators.desired())
                .maxCapacity(validators.max())
                .build());
        // The others scale on CPU: sensors share mirrors by scan lease, promoters branches by promotion
        // lease, API tasks sit behind the load balancer.
        for (Worker worker : List.of(Worker.SENSOR, Worker.PROMOTER, Worker.API)) {
            WorkerCounts counts = topology.counts(worker);
            if (counts.scales()) {
                services.get(worker).getService().autoScaleTaskCount(EnableScalingProps.builder()
                                .minCapacity(counts.desired())
                                .maxCapacity(counts.max())
                                .build())
                        .scaleOnCpuUtilization("Cpu", CpuUtilizationScalingProps.builder()
                                .targetUtilizationPercent(CPU_TARGET_PERCENT)
                                .scaleOutCooldown(software.amazon.awscdk.Duration.minutes(2))
                                .scaleInCooldown(software.amazon.awscdk.Duration.minutes(10))
                                .build());
            }
        }
        ApiLoadBalancerProps.Builder apiProps = ApiLoadBalancerProps.builder()
                .vpc(network.getVpc())
                .api(services.get(Worker.API))
                .containerPort(apiPort)
                .internetFacing(topology.apiInternetFacing());
        here.apiCertificateArn().ifPresent(apiProps::certificateArn);
        ApiLoadBalancer api = new ApiLoadBalancer(this, "ApiLoadBalancer", apiProps.build());
        ReplicationAlarms alarms = new ReplicationAlarms(this, "Alarms", ReplicationAlarmsProps.builder()
                .deadLetterQueue(commits.getDeadLetterQueue())
                .build());

        output("ApiUrl", api.getUrl(), "Base URL of the replication API (/service/replication/v1)");
        output("CommitsQueueUrl", commits.getQueue().getQueueUrl(), "Commits queue of this region");
        output("NamespaceBucket", here.bucket(), "Bucket of this region's storage namespaces");
        output("AlarmTopicArn", alarms.getTopic().getTopicArn(), "Subscribe here to the replication alarms");
    }

    /** {@code lakemirror-<region>}: one stack per region, named the same in every account. */
    public static String nameFor(Region region) {
        return "lakemirror-" + region;
    }

    private static Environment environment(Topology topology, Region region) {
        Environment.Builder env = Environment.builder().region(region.value());
        topology.account().ifPresent(env::account);
        return env.build();
    }

    /** The service configuration every worker of this region runs with. */
    private ServiceEnvironment configuration(Topology topology, RegionSpec here, RefstoreTable refstore,
                                             CommitsQueue commits) {
        String dstEndpoints = topology.otherRegions(here.name()).stream()
                .map(other -> other.name() + "=" + other.lakefsEndpoint())
                .collect(Collectors.joining(","));
        int port = ConfigKeys.LISTEN_ADDRESS.defaultValue().orElseThrow().port();
        ServiceEnvironment.Builder env = ServiceEnvironment.builder()
                .set(ConfigKeys.REGION, here.name().value())
                .set(ConfigKeys.ORGANIZATION_ID, topology.organizationId().value())
                .set(ConfigKeys.REGIONAL_ENDPOINT, here.lakefsEndpoint().toString())
                .set(ConfigKeys.DST_ENDPOINTS, dstEndpoints)
                .set(ConfigKeys.LAKEFS_ACCESS_KEY_ID, topology.lakefsAccessKeyId())
                .secret(ConfigKeys.LAKEFS_SECRET_ACCESS_KEY,
                        secret("LakefsSecretAccessKey", topology.secrets().lakefsSecretAccessKey()))
                .secret(ConfigKeys.AUTH_ENCRYPT_SECRET_KEY,
                        secret("AuthEncryptSecretKey", topology.secrets().authEncryptSecretKey()))
                .set(ConfigKeys.MIRRORS_DATABASE_TYPE, "dynamodb")
                .set(ConfigKeys.MIRRORS_DATABASE_DYNAMODB_TABLE_NAME, MirrorsTable.DEFAULT_TABLE_NAME)
                .set(ConfigKeys.REFSTORE_DATABASE_TYPE, "dynamodb")
                .set(ConfigKeys.REFSTORE_DATABASE_DYNAMODB_TABLE_NAME, refstore.getTableName())
                .set(ConfigKeys.BLOCKSTORE_TYPE, "s3")
                .set(ConfigKeys.QUEUE_TYPE, "sqs")
                .set(ConfigKeys.QUEUE_SQS_QUEUE_NAME, commits.getQueueName())
                .set(ConfigKeys.LISTEN_ADDRESS, "0.0.0.0:" + port)
                // Where the container health check (the image's HealthProbe) asks.
                .set(ConfigKeys.HEALTH_LISTEN_ADDRESS, ConfigKeys.HEALTH_LISTEN_ADDRESS.defaultValue().orElseThrow().toString())
                // One JSON object per line is what CloudWatch Logs Insights queries; the topology may override.
                .set(ConfigKeys.LOGGING_FORMAT, "json")
                // The lag, stall and pending alarms read these metrics.
                .set(ConfigKeys.METRICS_CLOUDWATCH_ENABLED, "true");
        topology.config().forEach(env::set);
        return env.build();
    }

    private ISecret secret(String id, String nameOrArn) {
        return nameOrArn.startsWith("arn:")
                ? Secret.fromSecretCompleteArn(this, id, nameOrArn)
                : Secret.fromSecretNameV2(this, id, nameOrArn);
    }

    private ContainerImage containerImage(ImageSpec image) {
        if (image instanceof ImageSpec.Ecr ecr) {
            return ContainerImage.fromEcrRepository(
                    Repository.fromRepositoryName(this, "ServiceImageRepository", ecr.repository()), ecr.tag());
        }
        return ContainerImage.fromRegistry(((ImageSpec.Registry) image).reference());
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    /** The worker services, by worker. */
    public Map<Worker, WorkerService> getServices() {
        return Collections.unmodifiableMap(services);
    }

    /** The mirrors global table, in the primary region's stack only. */
    public Optional<MirrorsTable> getMirrorsTable() {
        return Optional.ofNullable(mirrorsTable);
    }
}
