package io.lakemirror.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Seeds the KCL lease table so that a consumer on dynoxide gets its first record in seconds.
 *
 * <p>With an empty lease table KCL 3.3 waits a random 1 to 30 s before its first shard sync, then
 * sleeps for the shard-sync interval; with a lease row already present it skips both and the lease
 * assignment hands the shard out within two failover intervals. The row is the one KCL writes
 * itself. Test-only: production consumers let KCL create its leases.
 */
public final class KclLeases {
    private static final Logger LOG = LoggerFactory.getLogger(KclLeases.class);

    /** Where a new lease starts reading. */
    public enum InitialPosition { TRIM_HORIZON, LATEST }

    private KclLeases() {
    }

    /**
     * Creates the lease table {@code applicationName} when absent (KCL adds its index itself) and
     * puts one lease per root shard of {@code streamArn}, leaving existing leases untouched. Call it
     * before the scheduler starts.
     *
     * @return the shard IDs that got a new lease
     */
    public static List<String> seed(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String applicationName,
                                    String streamArn, InitialPosition position) {
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(streamArn, "streamArn");
        createTableIfAbsent(dynamoDb, applicationName);
        List<String> seeded = new ArrayList<>();
        for (String shardId : rootShards(streams, streamArn)) {
            try {
                dynamoDb.putItem(b -> b.tableName(applicationName)
                        .item(leaseRow(shardId, position))
                        .conditionExpression("attribute_not_exists(leaseKey)"));
                seeded.add(shardId);
            } catch (ConditionalCheckFailedException e) {
                LOG.trace("Lease {} of {} already exists (kept)", shardId, applicationName);
            }
        }
        LOG.info("Seeded {} KCL lease(s) in {} for {} at {}", seeded.size(), applicationName, streamArn, position);
        return seeded;
    }

    static Map<String, AttributeValue> leaseRow(String shardId, InitialPosition position) {
        return Map.of(
                "leaseKey", s(shardId),
                "checkpoint", s(position.name()),
                "checkpointSubSequenceNumber", n("0"),
                "leaseCounter", n("0"),
                "ownerSwitchesSinceCheckpoint", n("0"),
                "startingHashKey", s("0"),
                "endingHashKey", s("1"));
    }

    private static List<String> rootShards(DynamoDbStreamsClient streams, String streamArn) {
        List<Shard> shards = new ArrayList<>();
        String after = null;
        do {
            String start = after;
            DescribeStreamResponse page = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(start));
            shards.addAll(page.streamDescription().shards());
            after = page.streamDescription().lastEvaluatedShardId();
        } while (after != null);
        Set<String> ids = new HashSet<>();
        shards.forEach(s -> ids.add(s.shardId()));
        return shards.stream()
                .filter(s -> s.parentShardId() == null || !ids.contains(s.parentShardId()))
                .map(Shard::shardId)
                .toList();
    }

    private static void createTableIfAbsent(DynamoDbClient dynamoDb, String table) {
        try {
            dynamoDb.describeTable(b -> b.tableName(table));
            return;
        } catch (ResourceNotFoundException e) {
            LOG.trace("Lease table {} absent (creating it)", table);
        }
        try {
            dynamoDb.createTable(b -> b.tableName(table)
                    .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("leaseKey")
                            .attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (ResourceInUseException e) {
            LOG.trace("Lease table {} created concurrently (kept)", table);
        }
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }
}
