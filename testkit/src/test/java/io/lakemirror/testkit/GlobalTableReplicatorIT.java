package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The contract of {@link GlobalTableReplicator} on two real dynoxides, one per region: what a
 * DynamoDB global table does and the fault run relies on (lag, last-writer-wins, deletes, no echo).
 */
class GlobalTableReplicatorIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    /** Long enough that an item read right after its write cannot have been replicated yet. */
    private static final Duration LAG = Duration.ofSeconds(1);
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static Dynoxide dynoxideA;
    private static Dynoxide dynoxideB;
    private static DynamoDbClient a;
    private static DynamoDbClient b;
    private static DynamoDbStreamsClient streamsA;
    private static DynamoDbStreamsClient streamsB;

    @BeforeAll
    static void startTwoRegions() {
        dynoxideA = Dynoxide.start();
        dynoxideB = Dynoxide.start();
        a = DynoxideCompat.dynamoDb(dynoxideA.endpoint(), LocalAws.SIGNING_REGION);
        b = DynoxideCompat.dynamoDb(dynoxideB.endpoint(), LocalAws.SIGNING_REGION);
        streamsA = DynoxideCompat.streams(dynoxideA.endpoint(), LocalAws.SIGNING_REGION);
        streamsB = DynoxideCompat.streams(dynoxideB.endpoint(), LocalAws.SIGNING_REGION);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {streamsA, streamsB, a, b, dynoxideA, dynoxideB}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }

    @Test
    void put_shouldAppearInTheOtherRegionAfterTheDelay_andNotComeBack_whenWrittenInOneRegion() {
        String table = table();
        try (GlobalTableReplicator replicator = replicator(table)) {
            a.putItem(r -> r.tableName(table).item(item("mirror-1", "ACTIVE")));
            assertThat(read(b, table, "mirror-1")).as("B right after A's write (lag " + LAG + ")").isEmpty();

            await().alias("A's write in B").atMost(Duration.ofSeconds(30)).until(() -> read(b, table, "mirror-1").isPresent());
            await().alias("replication idle").atMost(Duration.ofSeconds(30)).until(replicator::isIdle);

            assertThat(read(b, table, "mirror-1")).contains("ACTIVE");
            assertThat(replicator.localWrites(B)).as("B's stream held only the replica, not a write of B").isZero();
            assertThat(replicator.replicated()).as("writes applied (none echoed back to A)").isEqualTo(1);
            assertThat(replicator.multiWriterItems()).as("items written by more than one region").isEmpty();
        }
    }

    @Test
    void concurrentWrites_shouldSettleToTheLaterWriteInBothRegions_whenTwoRegionsWriteOneItem() {
        String table = table();
        try (GlobalTableReplicator replicator = replicator(table)) {
            a.putItem(r -> r.tableName(table).item(item("mirror-1", "from A")));
            // B's write is later than A's once A's is read from A's stream: the order last-writer-wins goes by.
            await().alias("A's write read from A's stream").atMost(Duration.ofSeconds(30))
                    .until(() -> replicator.localWrites(A) == 1);
            b.putItem(r -> r.tableName(table).item(item("mirror-1", "from B")));

            await().alias("both regions hold B's later write").atMost(Duration.ofSeconds(30))
                    .until(() -> replicator.isIdle() && read(a, table, "mirror-1").equals(Optional.of("from B"))
                            && read(b, table, "mirror-1").equals(Optional.of("from B")));
            assertThat(replicator.superseded() + replicator.restored()).as("A's earlier write lost in B").isPositive();
            assertThat(replicator.multiWriterItems()).as("items written by more than one region")
                    .containsEntry(key("mirror-1"), java.util.Set.of(A, B));
        }
    }

    @Test
    void delete_shouldReplicate_whenTheItemIsDeletedInTheOtherRegion() {
        String table = table();
        try (GlobalTableReplicator replicator = replicator(table)) {
            a.putItem(r -> r.tableName(table).item(item("mirror-1", "ACTIVE")));
            await().alias("A's write in B").atMost(Duration.ofSeconds(30)).until(() -> read(b, table, "mirror-1").isPresent());

            b.deleteItem(r -> r.tableName(table).key(key("mirror-1")));

            await().alias("B's delete in A").atMost(Duration.ofSeconds(30))
                    .until(() -> replicator.isIdle() && read(a, table, "mirror-1").isEmpty());
            assertThat(read(b, table, "mirror-1")).as("B after its delete").isEmpty();
        }
    }

    private static GlobalTableReplicator replicator(String table) {
        return GlobalTableReplicator.builder(table).region(A, a, streamsA).region(B, b, streamsB)
                .delays(DelayDistribution.fixed(LAG)).pollInterval(Duration.ofMillis(20)).start();
    }

    private static String table() {
        String table = "mirrors-" + TABLES.incrementAndGet();
        for (DynamoDbClient client : List.of(a, b)) {
            client.createTable(r -> r.tableName(table)
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .streamSpecification(StreamSpecification.builder().streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build()));
        }
        return table;
    }

    private static Map<String, AttributeValue> key(String mirror) {
        return Map.of("pk", AttributeValue.fromS("ORG#test#MIRRORS"), "sk", AttributeValue.fromS(mirror + "#STATUS"));
    }

    private static Map<String, AttributeValue> item(String mirror, String state) {
        return Map.of("pk", AttributeValue.fromS("ORG#test#MIRRORS"), "sk", AttributeValue.fromS(mirror + "#STATUS"),
                "state", AttributeValue.fromS(state), "schema_version", AttributeValue.fromN("1"));
    }

    private static Optional<String> read(DynamoDbClient client, String table, String mirror) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table).key(key(mirror)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("state").s());
    }
}
