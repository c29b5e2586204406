package io.lakemirror.aws.dynamodb;

import io.lakemirror.auth.LakeFsKv;
import io.lakemirror.aws.AwsClients;
import io.lakemirror.config.ReplicationConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * lakeFS's KV in its DynamoDB table ({@code database.dynamodb.*}, default table {@code kvstore}), read-only: items
 * with the binary attributes {@code PartitionKey} (hash key), {@code ItemKey} (range key) and {@code ItemValue}
 * (docs/design/lakefs-facts.md §5.2). Reads are strongly consistent, as lakeFS's own.
 */
public final class DynamoDbLakeFsKv implements LakeFsKv {
    static final String PARTITION_KEY = "PartitionKey";
    static final String ITEM_KEY = "ItemKey";
    static final String ITEM_VALUE = "ItemValue";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final int scanLimit;

    DynamoDbLakeFsKv(DynamoDbClient dynamoDb, String table, int scanLimit) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.scanLimit = scanLimit;
    }

    /**
     * A reader of lakeFS's table as {@code database.dynamodb.*} describes it; credentials from
     * {@code database.dynamodb.aws_access_key_id}, else its profile, else the service's own AWS credentials.
     */
    public static DynamoDbLakeFsKv create(ReplicationConfig config) {
        ReplicationConfig.LakeFsDatabaseSettings db = config.lakeFsDatabase();
        AwsCredentialsProvider credentials = db.dynamoDbCredentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey().reveal())))
                .or(() -> db.dynamoDbProfile().map(p -> ProfileCredentialsProvider.builder().profileName(p).build()))
                .orElseGet(() -> AwsClients.credentials(config));
        DynamoDbClientBuilder b = DynamoDbClient.builder()
                .region(AwsClients.awsRegion(db.dynamoDbRegion()))
                .credentialsProvider(credentials)
                .httpClientBuilder(AwsClients.httpClient())
                .overrideConfiguration(AwsClients.overrides());
        db.dynamoDbEndpoint().ifPresent(b::endpointOverride);
        return new DynamoDbLakeFsKv(b.build(), db.dynamoDbTableName(), db.dynamoDbScanLimit());
    }

    @Override
    public Optional<byte[]> get(String partition, byte[] key) {
        try {
            GetItemResponse r = dynamoDb.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of(
                    PARTITION_KEY, binary(partition.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    ITEM_KEY, binary(key))));
            return r.hasItem() && r.item().containsKey(ITEM_VALUE)
                    ? Optional.of(r.item().get(ITEM_VALUE).b().asByteArray()) : Optional.empty();
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, "read lakeFS's item " + partition + "/" + printable(key), e);
        }
    }

    @Override
    public List<Entry> scan(String partition, byte[] prefix, Optional<byte[]> after, int limit) {
        List<Entry> out = new ArrayList<>();
        Map<String, AttributeValue> start = after.filter(a -> Arrays.compareUnsigned(a, prefix) >= 0)
                .map(a -> Map.of(PARTITION_KEY, binary(partition.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        ITEM_KEY, binary(a)))
                .orElse(null);
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("#p = :p AND begins_with(#k, :prefix)")
                        .expressionAttributeNames(Map.of("#p", PARTITION_KEY, "#k", ITEM_KEY))
                        .expressionAttributeValues(Map.of(":p", binary(partition.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                ":prefix", binary(prefix)))
                        .limit(Math.min(scanLimit, limit - out.size()));
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = dynamoDb.query(q.build());
                for (Map<String, AttributeValue> item : r.items()) {
                    out.add(new Entry(item.get(ITEM_KEY).b().asByteArray(), item.get(ITEM_VALUE).b().asByteArray()));
                }
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null && out.size() < limit);
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, "list lakeFS's items " + partition + "/" + printable(prefix) + "*", e);
        }
        return out;
    }

    private static AttributeValue binary(byte[] bytes) {
        return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
    }

    private static String printable(byte[] key) {
        return new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
        return "DynamoDB table " + table;
    }

    @Override
    public void close() {
        dynamoDb.close();
    }
}
