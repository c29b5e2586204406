package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.NonRetryableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Creates the mirrors table (and a separate refstore table) at startup when absent. Safe when
 * several processes start at once: the loser of the CreateTable race gets ResourceInUse and waits
 * for the winner's table like everyone else.
 *
 * <p>In production the infrastructure (CDK) creates the mirrors table as a global table; creating
 * it here serves single-region and local setups, and creates a regional table only.
 */
public final class DynamoDbTables {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTables.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int MAX_POLLS = 300;

    private DynamoDbTables() {
    }

    /** What startup learned about a table. */
    public record TableInfo(String name, Optional<String> streamArn) {
    }

    /**
     * Makes sure {@code table} exists, is ACTIVE and has the {@code pk}/{@code sk} string key schema;
     * with {@code withStream}, also a stream of NEW_AND_OLD_IMAGES (for the change feed).
     *
     * @throws NonRetryableException when an existing table has another key schema or lacks the stream
     */
    public static TableInfo ensureTable(DynamoDbClient client, String table, boolean withStream) {
        Optional<TableDescription> existing = describe(client, table);
        if (existing.isEmpty()) {
            create(client, table, withStream);
        }
        TableDescription description = existing.filter(d -> d.tableStatus() == TableStatus.ACTIVE)
                .orElseGet(() -> awaitActive(client, table));
        check(description, withStream);
        return new TableInfo(table, Optional.ofNullable(description.latestStreamArn()));
    }

    private static Optional<TableDescription> describe(DynamoDbClient client, String table) {
        try {
            return Optional.of(client.describeTable(b -> b.tableName(table)).table());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, "DescribeTable", e);
        }
    }

    private static void create(DynamoDbClient client, String table, boolean withStream) {
        try {
            client.createTable(b -> {
                b.tableName(table)
                        .keySchema(key(TableKeys.PK, KeyType.HASH), key(TableKeys.SK, KeyType.RANGE))
                        .attributeDefinitions(string(TableKeys.PK), string(TableKeys.SK))
                        .billingMode(BillingMode.PAY_PER_REQUEST);
                if (withStream) {
                    b.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build());
                }
            });
            LOG.info("Created DynamoDB table {} (stream: {})", table, withStream ? "NEW_AND_OLD_IMAGES" : "none");
        } catch (ResourceInUseException e) {
            LOG.debug("DynamoDB table {} is being created by another process; waiting for it", table);
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, "CreateTable", e);
        }
    }

    private static TableDescription awaitActive(DynamoDbClient client, String table) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(client)
                .overrideConfiguration(o -> o.maxAttempts(MAX_POLLS).backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(POLL)))
                .build()) {
            WaiterResponse<DescribeTableResponse> response = waiter.waitUntilTableExists(b -> b.tableName(table));
            return response.matched().response()
                    .map(DescribeTableResponse::table)
                    .orElseThrow(() -> new NonRetryableException("DynamoDB table " + table + " did not become ACTIVE: "
                            + response.matched().exception().map(Throwable::getMessage).orElse("unknown reason")
                            + "; startup stops, check the table in the AWS console"));
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, "waiting for the table to become ACTIVE", e);
        }
    }

    private static void check(TableDescription d, boolean withStream) {
        List<KeySchemaElement> keys = d.keySchema();
        boolean keysOk = keys.size() == 2
                && keys.contains(key(TableKeys.PK, KeyType.HASH)) && keys.contains(key(TableKeys.SK, KeyType.RANGE))
                && d.attributeDefinitions().contains(string(TableKeys.PK))
                && d.attributeDefinitions().contains(string(TableKeys.SK));
        if (!keysOk) {
            throw new NonRetryableException("DynamoDB table " + d.tableName() + " has key schema " + keys
                    + " but lakemirror needs pk (HASH, string) and sk (RANGE, string): point the table_name setting"
                    + " at another table; startup stops");
        }
        StreamSpecification stream = d.streamSpecification();
        if (withStream && (stream == null || !Boolean.TRUE.equals(stream.streamEnabled())
                || stream.streamViewType() != StreamViewType.NEW_AND_OLD_IMAGES || d.latestStreamArn() == null)) {
            throw new NonRetryableException("DynamoDB table " + d.tableName() + " has no stream of NEW_AND_OLD_IMAGES"
                    + " (it has " + (stream == null ? "none" : stream) + "), which the change feed reads: enable it"
                    + " (aws dynamodb update-table --table-name " + d.tableName()
                    + " --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES); startup stops");
        }
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}
