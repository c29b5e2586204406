package io.lakemirror.infra.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The refstore of one destination region: commit records it has validated and the cache of metadata
 * files known to be in its bucket. Regional on purpose (each region keeps its own view of its own
 * bucket), so a plain table without a stream; point-in-time recovery because the commit records are
 * what the promoter writes into lakeFS.
 */
public final class RefstoreTable extends Construct {
    /** Table name used when the props name none. */
    public static final String DEFAULT_TABLE_NAME = "lakemirror-refstore";

    private final Table table;
    private final String tableName;

    public RefstoreTable(Construct scope, String id, RefstoreTableProps props) {
        super(scope, id);
        this.tableName = props.getTableName();
        this.table = Table.Builder.create(this, "Table")
                .tableName(props.getTableName())
                .partitionKey(TableKeys.partitionKey())
                .sortKey(TableKeys.sortKey())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(props.isDeletionProtection())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public ITable getTable() {
        return table;
    }

    /** The literal table name (not a token), for the service's configuration. */
    public String getTableName() {
        return tableName;
    }
}
