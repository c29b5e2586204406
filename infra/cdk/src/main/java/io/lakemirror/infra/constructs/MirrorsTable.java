package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ReplicaTableProps;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableAttributes;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.constructs.Construct;

/**
 * The mirrors database: one DynamoDB global table, replicated to every region, whose stream
 * ({@code NEW_AND_OLD_IMAGES}) feeds each region's promoter. Created once, in the stack of the
 * primary region; every other region reaches its replica through {@link #replicaInThisRegion}.
 *
 * <p>Global tables resolve concurrent writes by last writer wins, so the service gives every item a
 * single writing region; nothing here depends on that, but it is why the table needs no conflict
 * configuration.
 */
public final class MirrorsTable extends Construct {
    /** Table name used when the props name none. */
    public static final String DEFAULT_TABLE_NAME = "lakemirror-mirrors";

    private final TableV2 table;
    private final String tableName;

    public MirrorsTable(Construct scope, String id, MirrorsTableProps props) {
        super(scope, id);
        this.tableName = props.getTableName();
        String stackRegion = Stack.of(this).getRegion();
        getNode().addValidation(() -> validate(stackRegion, props.getReplicaRegions()));
        // Invalid entries are left out here and reported by the validation, with every other problem of
        // the app, instead of failing on the first one inside TableV2.
        List<ReplicaTableProps> replicas = props.getReplicaRegions().stream()
                .filter(region -> !region.equals(stackRegion))
                .distinct()
                .map(region -> ReplicaTableProps.builder().region(region).build())
                .toList();
        this.table = TableV2.Builder.create(this, "Table")
                .tableName(tableName)
                .partitionKey(TableKeys.partitionKey())
                .sortKey(TableKeys.sortKey())
                .billing(Billing.onDemand())
                .dynamoStream(StreamViewType.NEW_AND_OLD_IMAGES)
                .replicas(replicas)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(props.isDeletionProtection())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private static List<String> validate(String stackRegion, List<String> replicaRegions) {
        List<String> problems = new ArrayList<>();
        if (Token.isUnresolved(stackRegion)) {
            problems.add("the mirrors table needs a stack with an explicit region (env.region): replicas are"
                    + " placed relative to it");
        }
        Set<String> seen = new HashSet<>();
        for (String region : replicaRegions) {
            if (region.equals(stackRegion)) {
                problems.add("replica region " + region + " is the stack's own region, which already holds the"
                        + " primary replica; remove it from replicaRegions");
            }
            if (!seen.add(region)) {
                problems.add("replica region " + region + " is listed twice");
            }
        }
        return problems;
    }

    /** The global table (its primary replica lives in this stack's region). */
    public TableV2 getTable() {
        return table;
    }

    public String getTableName() {
        return tableName;
    }

    /**
     * The replica of the mirrors table in the region of {@code scope}'s stack, by name: it is created by
     * another stack (the primary region's), so it is referenced by ARN. Its stream ARN carries a
     * creation timestamp unknown at synthesis, hence the {@code stream/*} pattern, still scoped to
     * this one table.
     */
    public static ITable replicaInThisRegion(Construct scope, String id, String tableName) {
        return Table.fromTableAttributes(scope, id, TableAttributes.builder()
                .tableArn(Arns.table(scope, tableName, ""))
                .tableStreamArn(Arns.table(scope, tableName, "stream/*"))
                .build());
    }
}
