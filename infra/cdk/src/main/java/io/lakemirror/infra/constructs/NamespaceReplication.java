package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.constructs.Construct;

/**
 * S3 replication of selected storage namespaces from one bucket to the buckets of other regions: one
 * rule per {@link ReplicationRoute}, each with Replication Time Control (and so replication metrics)
 * and with delete-marker replication, which is how garbage collection on the source reaches the mirror.
 *
 * <p>Written on the L1 {@link CfnBucket}: the L2 {@code replicationRules} of {@code Bucket} grants its role
 * read access to the whole source bucket, where this construct grants it only the replicated prefixes.
 *
 * <p>S3 refuses a rule whose destination bucket does not exist yet. With replication in both
 * directions no stack order satisfies that, so a first deployment creates every region's bucket
 * without replication and a second one adds it (see the README).
 */
public final class NamespaceReplication extends Construct {
    /** S3 Replication Time Control accepts exactly this: 99.99% of objects within 15 minutes. */
    public static final int REPLICATION_TIME_MINUTES = 15;
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html: at most 1000 rules
    private static final int MAX_RULES = 1000;
    private static final int MAX_RULE_ID_LENGTH = 255;
    private static final String ENABLED = "Enabled";

    private final Role role;

    public NamespaceReplication(Construct scope, String id, NamespaceReplicationProps props) {
        super(scope, id);
        NamespaceBucket source = props.getSourceBucket();
        List<ReplicationRoute> routes = props.getRoutes();
        getNode().addValidation(() -> validate(source.getBucketName(), routes));

        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("s3.amazonaws.com"))
                .description("S3 replication of lakeFS namespaces out of bucket " + source.getBucketName())
                .inlinePolicies(Map.of("replicate-namespaces", policy(source.getBucketName(), routes)))
                .build();

        List<Object> rules = new ArrayList<>();
        for (ReplicationRoute route : routes) {
            rules.add(rule(route, rules.size() + 1));
        }
        if (!rules.isEmpty()) {
            source.cfnBucket().setReplicationConfiguration(CfnBucket.ReplicationConfigurationProperty.builder()
                    .role(role.getRoleArn())
                    .rules(rules)
                    .build());
        }
    }

    private PolicyDocument policy(String sourceBucket, List<ReplicationRoute> routes) {
        Set<String> sourceObjects = new LinkedHashSet<>();
        Set<String> destinationObjects = new LinkedHashSet<>();
        for (ReplicationRoute route : routes) {
            sourceObjects.add(Arns.objects(this, sourceBucket, ReplicationRoute.keyPrefix(route.source()) + "*"));
            destinationObjects.add(Arns.objects(this, route.destination().bucket(),
                    ReplicationRoute.keyPrefix(route.destination()) + "*"));
        }
        return PolicyDocument.Builder.create()
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .sid("ReadReplicationConfiguration")
                                .actions(List.of("s3:GetReplicationConfiguration", "s3:ListBucket"))
                                .resources(List.of(Arns.bucket(this, sourceBucket)))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("ReadReplicatedNamespaces")
                                .actions(List.of("s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                                        "s3:GetObjectVersionTagging"))
                                .resources(List.copyOf(sourceObjects))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("WriteMirrorNamespaces")
                                .actions(List.of("s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"))
                                .resources(List.copyOf(destinationObjects))
                                .build()))
                .build();
    }

    private CfnBucket.ReplicationRuleProperty rule(ReplicationRoute route, int priority) {
        CfnBucket.ReplicationTimeValueProperty fifteenMinutes = CfnBucket.ReplicationTimeValueProperty.builder()
                .minutes(REPLICATION_TIME_MINUTES)
                .build();
        return CfnBucket.ReplicationRuleProperty.builder()
                .id(ruleId(route))
                .priority(priority)
                .status(ENABLED)
                .filter(CfnBucket.ReplicationRuleFilterProperty.builder()
                        .prefix(ReplicationRoute.keyPrefix(route.source()))
                        .build())
                .deleteMarkerReplication(CfnBucket.DeleteMarkerReplicationProperty.builder()
                        .status(ENABLED)
                        .build())
                .destination(CfnBucket.ReplicationDestinationProperty.builder()
                        .bucket(Arns.bucket(this, route.destination().bucket()))
                        .replicationTime(CfnBucket.ReplicationTimeProperty.builder()
                                .status(ENABLED)
                                .time(fifteenMinutes)
                                .build())
                        .metrics(CfnBucket.MetricsProperty.builder()
                                .status(ENABLED)
                                .eventThreshold(fifteenMinutes)
                                .build())
                        .build())
                .build();
    }

    /** Readable in the S3 console, stable across deployments while the route stays. */
    static String ruleId(ReplicationRoute route) {
        String prefix = route.source().prefix().isEmpty() ? "(bucket root)" : route.source().prefix();
        String id = "to " + route.destinationRegion() + ": " + prefix;
        return id.length() <= MAX_RULE_ID_LENGTH ? id : id.substring(0, MAX_RULE_ID_LENGTH);
    }

    private static List<String> validate(String sourceBucket, List<ReplicationRoute> routes) {
        List<String> problems = new ArrayList<>();
        if (routes.isEmpty()) {
            problems.add("bucket " + sourceBucket + " has a replication construct but no route to replicate;"
                    + " give it at least one or leave the construct out");
        }
        if (routes.size() > MAX_RULES) {
            problems.add("bucket " + sourceBucket + " has " + routes.size() + " replication routes; S3 allows "
                    + MAX_RULES + " rules per bucket");
        }
        Set<String> seen = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (ReplicationRoute route : routes) {
            if (!route.source().bucket().equals(sourceBucket)) {
                problems.add("route source " + route.source() + " is not in bucket " + sourceBucket);
            }
            if (route.destination().bucket().equals(sourceBucket)) {
                problems.add("route " + route.source() + " → " + route.destination()
                        + " replicates a bucket into itself");
            }
            if (!seen.add(route.source() + " → " + route.destination())) {
                problems.add("route " + route.source() + " → " + route.destination() + " is listed twice");
            } else if (!ids.add(ruleId(route))) {
                problems.add("two routes of " + route.source() + " share the rule id \"" + ruleId(route)
                        + "\"; shorten the namespace prefix");
            }
        }
        return problems;
    }

    /** The role S3 assumes to copy objects out of the source bucket. */
    public Role getRole() {
        return role;
    }
}
