package io.lakemirror.aws.dynamodb;

import static io.lakemirror.store.StoreFixtures.DESTINATION;
import static io.lakemirror.store.StoreFixtures.SOURCE;
import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.MirrorsDatabaseContract;
import io.lakemirror.testkit.Dynoxide;
import io.lakemirror.testkit.LocalAws;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/**
 * The mirrors-database contract against DynamoDB (dynoxide), plus what only the adapter has:
 * table creation, destination-replica writes and schema versions. One dynoxide and one table for
 * the class; each test gets a fresh organization, which partitions every key.
 */
class DynamoDbMirrorsDatabaseIT extends MirrorsDatabaseContract {
    private static final String TABLE = "lakemirror-mirrors-it";
    private static final Region LOCAL = SOURCE;
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    private static Dynoxide dynoxide;
    private static DynamoDbClient client;
    private static DynamoDbClients clients;

    @BeforeAll
    static void startDynoxide() {
        dynoxide = Dynoxide.start();
        client = LocalAws.dynamoDb(dynoxide.endpoint());
        DynamoDbTables.ensureTable(client, TABLE, true);
        clients = DynamoDbClients.single(LOCAL, client);
    }

    @AfterAll
    static void stopDynoxide() {
        if (client != null) {
            client.close();
        }
        if (dynoxide != null) {
            dynoxide.close();
        }
    }

    private static OrganizationId freshOrganization() {
        return OrganizationId.of("org-" + ORGANIZATIONS.incrementAndGet());
    }

    @Override
    protected MirrorsDatabase newDatabase() {
        return new DynamoDbMirrorsDatabase(clients, TABLE, freshOrganization());
    }

    @Test
    void ensureTable_shouldCreateTheTableOnce_whenSeveralProcessesStartAtOnce() throws Exception {
        String table = "lakemirror-concurrent-" + ORGANIZATIONS.incrementAndGet();
        int starters = 8;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<DynamoDbTables.TableInfo>> results = new ArrayList<>();
            for (int i = 0; i < starters; i++) {
                Callable<DynamoDbTables.TableInfo> ensure = () -> {
                    start.await();
                    return DynamoDbTables.ensureTable(client, table, true);
                };
                results.add(pool.submit(ensure));
            }
            start.countDown();
            for (Future<DynamoDbTables.TableInfo> result : results) {
                DynamoDbTables.TableInfo info = result.get(30, TimeUnit.SECONDS);
                assertThat(info.name()).isEqualTo(table);
                assertThat(info.streamArn()).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.listTables().tableNames()).containsOnlyOnce(table);
    }

    @Test
    void ensureTable_shouldRefuseATable_withAnotherKeySchema() {
        String table = "lakemirror-foreign-" + ORGANIZATIONS.incrementAndGet();
        client.createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                .billingMode("PAY_PER_REQUEST"));

        assertThatThrownBy(() -> DynamoDbTables.ensureTable(client, table, false))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("pk (HASH, string) and sk (RANGE, string)")
                .hasMessageContaining("startup stops");
    }

    @Test
    void ensureTable_shouldRefuseATable_withoutTheStreamTheChangeFeedNeeds() {
        String table = "lakemirror-nostream-" + ORGANIZATIONS.incrementAndGet();
        DynamoDbTables.ensureTable(client, table, false);

        assertThatThrownBy(() -> DynamoDbTables.ensureTable(client, table, true))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("NEW_AND_OLD_IMAGES")
                .hasMessageContaining("update-table");
    }

    @Test
    void createMirror_shouldWriteSpecAndNameClaim_inTheDestinationRegionsReplica() {
        List<String> calls = new CopyOnWriteArrayList<>();
        try (DynamoDbClients perRegion = DynamoDbClients.perRegion(LOCAL, region -> recordingClient(region, calls))) {
            MirrorsDatabase db = new DynamoDbMirrorsDatabase(perRegion, TABLE, freshOrganization());

            db.createMirror(spec("m1", "mirror-one"));
            db.requestDeletion(MirrorId.of("m1"), T0);
            db.putStatus(new MirrorStatus(MirrorId.of("m1"), MirrorState.ACTIVE, "", T0), Set.of(), true);

            assertThat(calls).containsSubsequence(DESTINATION + " TransactWriteItems", DESTINATION + " UpdateItem",
                    LOCAL + " PutItem");
            assertThat(calls).filteredOn(c -> c.startsWith(LOCAL.value())).doesNotContain(LOCAL + " TransactWriteItems");
        }
    }

    /** A client of {@code region}'s replica (all replicas are the one dynoxide) that records its calls. */
    private static DynamoDbClient recordingClient(Region region, List<String> calls) {
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(region + " " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        return DynamoDbClient.builder().endpointOverride(dynoxide.endpoint()).region(AwsClients.awsRegion(region))
                .credentialsProvider(LocalAws.credentials()).httpClientBuilder(AwsClients.httpClient())
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder)).build();
    }

    @Test
    void getMirror_shouldFailClearly_whenANewerLakemirrorWroteTheItem() {
        OrganizationId org = freshOrganization();
        MirrorsDatabase db = new DynamoDbMirrorsDatabase(clients, TABLE, org);
        db.createMirror(spec("m1", "mirror-one"));
        Map<String, AttributeValue> item = new HashMap<>(new ItemCodec(TABLE, org).encodeSpec(spec("m1", "mirror-one")));
        item.put("schema_version", AttributeValue.fromN("2"));
        client.putItem(b -> b.tableName(TABLE).item(item));

        assertThatThrownBy(() -> db.getMirror(MirrorId.of("m1")))
                .isExactlyInstanceOf(NonRetryableException.class)
                .hasMessageContaining("schema_version 2")
                .hasMessageContaining("upgrade this process");
        assertThatThrownBy(() -> db.requestDeletion(MirrorId.of("m1"), Instant.EPOCH))
                .hasMessageContaining("schema_version 2");
    }

    @Test
    void calls_shouldNameTableAndOperation_whenTheTableIsMissing() {
        MirrorsDatabase db = new DynamoDbMirrorsDatabase(clients, "lakemirror-absent", freshOrganization());

        assertThatThrownBy(() -> db.getMirror(MirrorId.of("m1")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("DynamoDB table lakemirror-absent: getMirror(m1) failed")
                .hasMessageEndingWith("not retried, the same call would fail the same way");
    }
}
