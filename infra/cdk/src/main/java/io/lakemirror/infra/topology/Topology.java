package io.lakemirror.infra.topology;

import io.lakemirror.config.ConfigKey;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.infra.constructs.ReplicationRoute;
import io.lakemirror.infra.constructs.Worker;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What to deploy: the regions, which source namespaces replicate to which regions, and the settings
 * every region shares. Read and checked by {@link TopologyLoader}; the stacks are derived from it.
 *
 * @param organizationId     {@code organization_id} of the service, identical in every region
 * @param account            AWS account of every stack, or empty to use the deploying credentials' account
 * @param primaryRegion      the region whose stack owns the mirrors global table
 * @param image              the service image
 * @param lakefsAccessKeyId  access key id of the replication user (the secret key is in Secrets Manager)
 * @param secrets            the Secrets Manager secrets the tasks read
 * @param apiInternetFacing  whether the API load balancers get public addresses
 * @param regions            every region, in the order given
 * @param routes             every replication route between the regions' buckets
 * @param config             further service settings, the same in every region
 * @param workers            desired and maximum task counts of each worker, the same in every region
 */
public record Topology(OrganizationId organizationId, Optional<String> account, Region primaryRegion,
                       ImageSpec image, String lakefsAccessKeyId, SecretNames secrets, boolean apiInternetFacing,
                       List<RegionSpec> regions, List<ReplicationRoute> routes, Map<ConfigKey<?>, String> config,
                       Map<Worker, WorkerCounts> workers) {

    /**
     * Service settings a topology's {@code config} may not set, with the reason: the deployment sets
     * them from its own resources, or they exist only for local testing.
     */
    public static final Map<ConfigKey<?>, String> RESERVED_CONFIG = reservedConfig();

    public Topology {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(primaryRegion, "primaryRegion");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(lakefsAccessKeyId, "lakefsAccessKeyId");
        Objects.requireNonNull(secrets, "secrets");
        regions = List.copyOf(regions);
        routes = List.copyOf(routes);
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        Map<Worker, WorkerCounts> counts = new EnumMap<>(WorkerCounts.DEFAULTS);
        counts.putAll(workers);
        workers = Collections.unmodifiableMap(counts);
    }

    /** The task counts of {@code worker}. */
    public WorkerCounts counts(Worker worker) {
        return workers.get(worker);
    }

    /** The region called {@code name}. */
    public RegionSpec region(Region name) {
        return regions.stream()
                .filter(region -> region.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("region " + name + " is not in the topology"));
    }

    /** Every region but {@code name}. */
    public List<RegionSpec> otherRegions(Region name) {
        return regions.stream().filter(region -> !region.name().equals(name)).toList();
    }

    /** Routes out of the bucket of {@code name}. */
    public List<ReplicationRoute> routesFrom(Region name) {
        String bucket = region(name).bucket();
        return routes.stream().filter(route -> route.source().bucket().equals(bucket)).toList();
    }

    /** Routes into the bucket of {@code name}. */
    public List<ReplicationRoute> routesInto(Region name) {
        return routes.stream().filter(route -> route.destinationRegion().equals(name)).toList();
    }

    /** Mirror namespaces that S3 replication fills in the bucket of {@code name}. */
    public List<StorageNamespace> mirroredNamespacesIn(Region name) {
        return routesInto(name).stream().map(ReplicationRoute::destination).distinct().toList();
    }

    /** Regions whose commits queues the sensor of {@code name} sends to, sorted. */
    public List<Region> destinationsOf(Region name) {
        return List.copyOf(new TreeSet<>(routesFrom(name).stream().map(ReplicationRoute::destinationRegion).toList()));
    }

    private static Map<ConfigKey<?>, String> reservedConfig() {
        Map<ConfigKey<?>, String> reserved = new LinkedHashMap<>();
        String fromRegion = "set by the deployment from the topology's regions";
        String fromResources = "set by the deployment to the resources it creates";
        String secret = "a secret: the deployment reads it from Secrets Manager (topology \"secrets\")";
        String local = "for local testing; on AWS the tasks use their role and each region's own endpoints";
        reserved.put(ConfigKeys.REGION, fromRegion);
        reserved.put(ConfigKeys.ORGANIZATION_ID, "set from the topology's organization_id");
        reserved.put(ConfigKeys.REGIONAL_ENDPOINT, fromRegion);
        reserved.put(ConfigKeys.DST_ENDPOINTS, fromRegion);
        reserved.put(ConfigKeys.LAKEFS_ACCESS_KEY_ID, "set from the topology's lakefs_access_key_id");
        reserved.put(ConfigKeys.LAKEFS_SECRET_ACCESS_KEY, secret);
        reserved.put(ConfigKeys.AUTH_ENCRYPT_SECRET_KEY, secret);
        reserved.put(ConfigKeys.MIRRORS_DATABASE_TYPE, fromResources);
        reserved.put(ConfigKeys.MIRRORS_DATABASE_DYNAMODB_TABLE_NAME, fromResources);
        reserved.put(ConfigKeys.MIRRORS_DATABASE_DYNAMODB_AWS_REGION, fromRegion);
        reserved.put(ConfigKeys.MIRRORS_DATABASE_DYNAMODB_ENDPOINT, local);
        reserved.put(ConfigKeys.MIRRORS_DATABASE_POSTGRES_CONNECTION_STRING, fromResources);
        reserved.put(ConfigKeys.REFSTORE_DATABASE_TYPE, fromResources);
        reserved.put(ConfigKeys.REFSTORE_DATABASE_DYNAMODB_TABLE_NAME, fromResources);
        reserved.put(ConfigKeys.REFSTORE_DATABASE_DYNAMODB_AWS_REGION, fromRegion);
        reserved.put(ConfigKeys.REFSTORE_DATABASE_DYNAMODB_ENDPOINT, local);
        reserved.put(ConfigKeys.REFSTORE_DATABASE_POSTGRES_CONNECTION_STRING, fromResources);
        reserved.put(ConfigKeys.BLOCKSTORE_TYPE, fromResources);
        reserved.put(ConfigKeys.BLOCKSTORE_S3_REGION, fromRegion);
        reserved.put(ConfigKeys.BLOCKSTORE_S3_ENDPOINT, local);
        reserved.put(ConfigKeys.BLOCKSTORE_S3_FORCE_PATH_STYLE, local);
        reserved.put(ConfigKeys.QUEUE_TYPE, fromResources);
        reserved.put(ConfigKeys.QUEUE_SQS_ENDPOINT, local);
        reserved.put(ConfigKeys.QUEUE_SQS_QUEUE_NAME, fromResources);
        reserved.put(ConfigKeys.QUEUE_SQS_QUEUE_URLS, fromResources);
        reserved.put(ConfigKeys.LISTEN_ADDRESS, "set by the deployment to match the load balancer's target port");
        reserved.put(ConfigKeys.HEALTH_LISTEN_ADDRESS, "set by the deployment to match the tasks' health check");
        reserved.put(ConfigKeys.METRICS_CLOUDWATCH_ENDPOINT, local);
        reserved.put(ConfigKeys.AWS_ACCESS_KEY_ID, local);
        reserved.put(ConfigKeys.AWS_SECRET_ACCESS_KEY, local);
        return Collections.unmodifiableMap(reserved);
    }
}
