package io.lakemirror.aws.dynamodb;

import static io.lakemirror.store.StoreFixtures.T0;
import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.RefstoreContract;
import io.lakemirror.testkit.Dynoxide;
import io.lakemirror.testkit.LocalAws;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The refstore contract against DynamoDB (dynoxide); one table for the class, a fresh organization per test. */
class DynamoDbRefstoreIT extends RefstoreContract {
    private static final String TABLE = "lakemirror-refstore-it";
    private static final AtomicInteger ORGANIZATIONS = new AtomicInteger();
    private static Dynoxide dynoxide;
    private static DynamoDbClient client;

    @BeforeAll
    static void startDynoxide() {
        dynoxide = Dynoxide.start();
        client = LocalAws.dynamoDb(dynoxide.endpoint());
        DynamoDbTables.ensureTable(client, TABLE, false);
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

    @Override
    protected Refstore newRefstore() {
        return new DynamoDbRefstore(client, TABLE, OrganizationId.of("org-" + ORGANIZATIONS.incrementAndGet()));
    }

    @Test
    void putCommits_shouldStoreOnlyTheNewOnes_andKeepEveryPromotedFlag_acrossTransactionChunks() {
        MirrorId mirror = MirrorId.of("m1");
        List<CommitRecord> first = IntStream.range(1, 151).mapToObj(n -> commit(n, n - 1)).toList();
        refstore.putCommits(mirror, first);
        refstore.markPromoted(mirror, first.stream().map(CommitRecord::id).toList());
        List<CommitRecord> overlapping = IntStream.range(100, 251).mapToObj(n -> commit(n, n - 1)).toList();

        refstore.putCommits(mirror, overlapping);

        var stored = refstore.getCommits(mirror, IntStream.range(1, 251).mapToObj(n -> commitId(n)).toList());
        assertThat(stored).hasSize(250);
        assertThat(stored.values()).filteredOn(Refstore.StoredCommit::promoted).hasSize(150);
        assertThat(stored.get(commitId(250)).commit()).isEqualTo(commit(250, 249));
    }

    @Test
    void markPromoted_shouldIgnoreRepeatedIds() {
        MirrorId mirror = MirrorId.of("m1");
        refstore.putCommits(mirror, List.of(commit(1), commit(1)));

        refstore.markPromoted(mirror, List.of(commitId(1), commitId(1)));

        assertThat(refstore.getCommits(mirror, List.of(commitId(1), commitId(1))).get(commitId(1)).promoted()).isTrue();
    }

    @Test
    void batches_shouldResubmitWhatDynamoDbLeftUnprocessed_untilEverythingIsDone() {
        PartialBatches partial = new PartialBatches();
        try (DynamoDbClient throttled = DynamoDbClient.builder().endpointOverride(dynoxide.endpoint())
                .region(LocalAws.SIGNING_REGION).credentialsProvider(LocalAws.credentials())
                .httpClientBuilder(AwsClients.httpClient())
                .overrideConfiguration(o -> o.addExecutionInterceptor(partial)).build()) {
            Refstore store = new DynamoDbRefstore(throttled, TABLE, OrganizationId.of("org-" + ORGANIZATIONS.incrementAndGet()));
            StorageNamespace ns = StorageNamespace.of("s3://bucket/throttled");
            List<String> files = IntStream.range(0, 120).mapToObj(n -> String.format("%064x", n)).toList();
            List<CommitRecord> commits = IntStream.range(1, 121).mapToObj(n -> commit(n, n - 1)).toList();

            store.recordPresent(ns, files, T0);
            store.putCommits(MirrorId.of("m1"), commits);

            assertThat(store.knownPresent(ns, files)).hasSize(120);
            assertThat(store.getCommits(MirrorId.of("m1"), commits.stream().map(CommitRecord::id).toList())).hasSize(120);
        }
        assertThat(partial.unprocessedWrites.get()).as("writes handed back as unprocessed").isPositive();
        assertThat(partial.unprocessedKeys.get()).as("keys handed back as unprocessed").isPositive();
    }

    /**
     * Acts like a throttled table: the first answer to each batch call hands half of it back as
     * unprocessed. The writes did happen; resubmitting puts and deletes is harmless.
     */
    private static final class PartialBatches implements ExecutionInterceptor {
        final AtomicInteger unprocessedWrites = new AtomicInteger();
        final AtomicInteger unprocessedKeys = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            boolean throttle = calls.incrementAndGet() % 2 == 1;
            if (throttle && context.response() instanceof BatchWriteItemResponse response
                    && context.request() instanceof BatchWriteItemRequest request && response.unprocessedItems().isEmpty()) {
                Map<String, List<WriteRequest>> unprocessed = new HashMap<>();
                request.requestItems().forEach((table, writes) -> {
                    List<WriteRequest> back = writes.subList(writes.size() / 2, writes.size());
                    unprocessedWrites.addAndGet(back.size());
                    unprocessed.put(table, back);
                });
                return response.toBuilder().unprocessedItems(unprocessed).build();
            }
            if (throttle && context.response() instanceof BatchGetItemResponse response
                    && context.request() instanceof BatchGetItemRequest request) {
                Map<String, List<Map<String, AttributeValue>>> kept = new HashMap<>();
                Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
                response.responses().forEach((table, items) -> {
                    List<Map<String, AttributeValue>> back = items.subList(items.size() / 2, items.size());
                    kept.put(table, items.subList(0, items.size() / 2));
                    unprocessedKeys.addAndGet(back.size());
                    unprocessed.put(table, request.requestItems().get(table).toBuilder()
                            .keys(back.stream().map(i -> Map.of("pk", i.get("pk"), "sk", i.get("sk"))).toList()).build());
                });
                return response.toBuilder().responses(kept).unprocessedKeys(unprocessed).build();
            }
            return context.response();
        }
    }
}
