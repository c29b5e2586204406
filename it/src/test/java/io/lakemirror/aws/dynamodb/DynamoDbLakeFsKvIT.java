package io.lakemirror.aws.dynamodb;

import io.lakemirror.auth.LakeFsKv;
import io.lakemirror.auth.LakeFsKvContract;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.testkit.Dynoxide;
import io.lakemirror.testkit.LocalAws;
import io.lakemirror.testserver.auth.DynamoDbKvSink;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * lakeFS's KV read from DynamoDB on dynoxide, in a table the lakeFS test server creates and writes as lakeFS does
 * (binary PartitionKey, ItemKey, ItemValue).
 */
class DynamoDbLakeFsKvIT extends LakeFsKvContract {
    private static final String TABLE = "kvstore";
    private static final AtomicInteger PARTITIONS = new AtomicInteger();
    private static Dynoxide dynoxide;
    private static DynamoDbKvSink lakeFs;
    private static DynamoDbLakeFsKv kv;
    private final String partition = "p" + PARTITIONS.incrementAndGet();

    @BeforeAll
    static void start() {
        dynoxide = Dynoxide.start();
        lakeFs = new DynamoDbKvSink(dynoxide.endpoint(), LocalAws.SIGNING_REGION.id(), LocalAws.ACCESS_KEY_ID,
                LocalAws.SECRET_ACCESS_KEY, TABLE);
        Map<String, Object> values = regionConfigWithoutDatabase();
        values.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        values.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        values.put("database.type", "dynamodb");
        values.put("database.dynamodb.endpoint", dynoxide.endpoint().toString());
        values.put("database.dynamodb.scan_limit", 2);
        kv = DynamoDbLakeFsKv.create(ConfigLoader.fromMap(values));
    }

    @AfterAll
    static void stop() {
        if (kv != null) {
            kv.close();
        }
        if (lakeFs != null) {
            lakeFs.close();
        }
        if (dynoxide != null) {
            dynoxide.close();
        }
    }

    @Override
    protected LakeFsKv kv() {
        return kv;
    }

    @Override
    protected void write(String partition, byte[] key, byte[] value) {
        lakeFs.put(partition, key, value);
    }

    @Override
    protected String partition() {
        return partition;
    }
}
