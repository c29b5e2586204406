package io.lakemirror.infra.constructs;

import io.lakemirror.domain.StorageNamespace;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * One ECS task role per {@link Worker}, each allowed only what that worker does:
 *
 * <ul>
 *   <li>sensor: read the mirrors table and write its sensor state there; send to the commits queues of
 *       the regions its namespaces replicate to;
 *   <li>validator: consume this region's commits queue; read the {@code _lakefs/} metadata of each
 *       mirror namespace in this region's bucket; write commit records to the refstore and branch
 *       state to the mirrors table;
 *   <li>promoter: read the mirrors-table stream through KCL (with KCL's own lease tables); read and write
 *       the mirrors table; read commit records from the refstore and mark them promoted;
 *   <li>api: read and write the mirrors table.
 * </ul>
 *
 * Every worker may publish metrics, to the service's namespace only. Trust is limited to ECS tasks of
 * this account and region (confused-deputy protection).
 */
public final class WorkerRoles extends Construct {
    private final Map<Worker, Role> roles = new EnumMap<>(Worker.class);

    public WorkerRoles(Construct scope, String id, WorkerRolesProps props) {
        super(scope, id);
        for (Worker worker : Worker.values()) {
            Role role = Role.Builder.create(this, worker.constructId())
                    .assumedBy(ecsTasksOfThisAccount())
                    .description("lakemirror " + worker.subcommand() + " task role")
                    .build();
            role.addToPolicy(publishMetrics(worker == Worker.PROMOTER
                    ? List.of(ServiceMetrics.NAMESPACE, props.getKclApplicationName())
                    : List.of(ServiceMetrics.NAMESPACE)));
            roles.put(worker, role);
        }

        Role sensor = roles.get(Worker.SENSOR);
        props.getMirrorsTable().grantReadWriteData(sensor);
        if (!props.getDestinationQueueArns().isEmpty()) {
            sensor.addToPolicy(PolicyStatement.Builder.create()
                    .sid("SendToDestinationCommitsQueues")
                    .actions(List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"))
                    .resources(props.getDestinationQueueArns())
                    .build());
        }

        Role validator = roles.get(Worker.VALIDATOR);
        props.getCommitsQueue().grantConsumeMessages(validator);
        props.getRefstoreTable().grantReadWriteData(validator);
        props.getMirrorsTable().grantReadWriteData(validator);
        readMetadataFiles(validator, props.getMirroredNamespaces());

        Role promoter = roles.get(Worker.PROMOTER);
        props.getMirrorsTable().grantReadWriteData(promoter);
        props.getMirrorsTable().grantStreamRead(promoter);
        props.getRefstoreTable().grantReadWriteData(promoter);
        kclLeaseTables(promoter, props.getKclApplicationName());

        props.getMirrorsTable().grantReadWriteData(roles.get(Worker.API));
    }

    private IPrincipal ecsTasksOfThisAccount() {
        String region = Stack.of(this).getRegion();
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID));
        conditions.put("ArnLike", Map.of("aws:SourceArn",
                "arn:" + Aws.PARTITION + ":ecs:" + region + ":" + Aws.ACCOUNT_ID + ":*"));
        return new ServicePrincipal("ecs-tasks.amazonaws.com").withConditions(conditions);
    }

    /** PutMetricData has no resource-level permissions; the namespace condition is what narrows it. */
    private static PolicyStatement publishMetrics(List<String> namespaces) {
        return PolicyStatement.Builder.create()
                .sid("PublishServiceMetrics")
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", namespaces)))
                .build();
    }

    private void readMetadataFiles(Role validator, List<StorageNamespace> namespaces) {
        if (namespaces.isEmpty()) {
            return;
        }
        Set<String> buckets = new LinkedHashSet<>();
        List<String> metadata = new ArrayList<>();
        for (StorageNamespace namespace : namespaces) {
            buckets.add(Arns.bucket(this, namespace.bucket()));
            metadata.add(Arns.objects(this, namespace.bucket(), namespace.key("_lakefs/*")));
        }
        // s3:GetObject also authorizes HEAD; there is no separate HeadObject action.
        validator.addToPolicy(PolicyStatement.Builder.create()
                .sid("ReadMirrorMetadataFiles")
                .actions(List.of("s3:GetObject"))
                .resources(metadata)
                .build());
        // Without ListBucket, S3 answers 403 instead of 404 for a missing key, and the validator could not
        // tell "not replicated yet" from "denied". A prefix condition would not help: HEAD carries no prefix.
        validator.addToPolicy(PolicyStatement.Builder.create()
                .sid("TellMissingFromDenied")
                .actions(List.of("s3:ListBucket"))
                .resources(List.copyOf(buckets))
                .build());
    }

    private void kclLeaseTables(Role promoter, String application) {
        // Table names KCL 3 derives from the application name:
        // https://docs.aws.amazon.com/streams/latest/dev/kcl-iam-permissions.html
        promoter.addToPolicy(PolicyStatement.Builder.create()
                .sid("ManageKclLeaseTables")
                .actions(List.of("dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable",
                        "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem"))
                .resources(List.of(
                        Arns.table(this, application, ""),
                        Arns.table(this, application + "-WorkerMetricStats", ""),
                        Arns.table(this, application + "-CoordinatorState", "")))
                .build());
        promoter.addToPolicy(PolicyStatement.Builder.create()
                .sid("QueryKclLeaseIndex")
                .actions(List.of("dynamodb:Query"))
                .resources(List.of(Arns.table(this, application, "index/*")))
                .build());
    }

    /** The task role of {@code worker}. */
    public IRole getRole(Worker worker) {
        return roles.get(worker);
    }
}
