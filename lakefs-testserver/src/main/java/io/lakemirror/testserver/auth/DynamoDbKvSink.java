package io.lakemirror.testserver.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * lakeFS's DynamoDB KV table as lakeFS creates it (hash key {@code PartitionKey}, range key {@code ItemKey}, both
 * binary, value in {@code ItemValue}, on-demand billing), created when absent; the test server writes its auth
 * records into it so the replication service can read them in {@code auth.mode kv}.
 */
public final class DynamoDbKvSink implements KvSink {
    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbKvSink(URI endpoint, String region, String accessKeyId, String secretAccessKey, String table) {
        this.dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        this.table = table;
        ensureTable();
    }

    private void ensureTable() {
        try {
            dynamoDb.describeTable(d -> d.tableName(table));
            return;
        } catch (ResourceNotFoundException absent) {
            // lakeFS creates its table on first start; so does the test server.
        }
        try {
            dynamoDb.createTable(c -> c.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("PartitionKey").attributeType(ScalarAttributeType.B).build(),
                            AttributeDefinition.builder().attributeName("ItemKey").attributeType(ScalarAttributeType.B).build())
                    .keySchema(KeySchemaElement.builder().attributeName("PartitionKey").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("ItemKey").keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException raced) {
            // Another lakeFS test server sharing the table created it first.
        }
        dynamoDb.waiter().waitUntilTableExists(d -> d.tableName(table));
    }

    @Override
    public void put(String partition, byte[] key, byte[] value) {
        dynamoDb.putItem(p -> p.tableName(table).item(Map.of(
                "PartitionKey", b(partition.getBytes(StandardCharsets.UTF_8)), "ItemKey", b(key), "ItemValue", b(value))));
    }

    @Override
    public void delete(String partition, byte[] key) {
        dynamoDb.deleteItem(d -> d.tableName(table).key(Map.of(
                "PartitionKey", b(partition.getBytes(StandardCharsets.UTF_8)), "ItemKey", b(key))));
    }

    private static AttributeValue b(byte[] bytes) {
        return AttributeValue.fromB(SdkBytes.fromByteArray(bytes));
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
