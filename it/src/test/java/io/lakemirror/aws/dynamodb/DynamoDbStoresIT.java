package io.lakemirror.aws.dynamodb;

import static io.lakemirror.store.StoreFixtures.commit;
import static io.lakemirror.store.StoreFixtures.commitId;
import static io.lakemirror.store.StoreFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.testkit.Dynoxide;
import io.lakemirror.testkit.LocalAws;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The store factory against dynoxide: tables created from the configuration, hooks applied. */
class DynamoDbStoresIT {
    private static Dynoxide dynoxide;
    private static DynamoDbClient client;

    @BeforeAll
    static void start() {
        dynoxide = Dynoxide.start();
        client = LocalAws.dynamoDb(dynoxide.endpoint());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (dynoxide != null) {
            dynoxide.close();
        }
    }

    private static ReplicationConfig config(Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "us-east-1",
                "organization_id", "acme",
                "regional_endpoint", "http://lakefs-us.example.com:8000",
                "dst_endpoints", Map.of("eu-west-1", "http://lakefs-eu.example.com:8000"),
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "lakefs-secret",
                "mirrors_database.type", "dynamodb",
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "encrypt-secret"));
        values.put("mirrors_database.dynamodb.endpoint", dynoxide.endpoint().toString());
        values.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        values.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        values.putAll(extra);
        return ConfigLoader.fromMap(values);
    }

    @Test
    void build_shouldCreateTheMirrorsTableWithItsStream_andASeparateRefstoreTableWithout() {
        AtomicInteger dynamoDbBuilders = new AtomicInteger();
        ReplicationConfig config = config(Map.of(
                "mirrors_database.dynamodb.table_name", "stores-it-mirrors",
                "refstore_database.type", "dynamodb",
                "refstore_database.dynamodb.table_name", "stores-it-refs",
                "refstore_database.dynamodb.endpoint", dynoxide.endpoint().toString()));

        try (DynamoDbStores stores = DynamoDbStores.builder(config)
                .customizeDynamoDb(b -> dynamoDbBuilders.incrementAndGet())
                .build()) {
            stores.mirrorsDatabase().createMirror(spec("m1", "mirror-one"));
            stores.refstore().putCommits(MirrorId.of("m1"), List.of(commit(1)));

            assertThat(stores.refstore().getCommits(MirrorId.of("m1"), List.of(commitId(1)))).hasSize(1);
            assertThat(stores.mirrorsDatabase().getMirror(MirrorId.of("m1"))).isPresent();
            assertThat(stores.streamArn()).contains("stores-it-mirrors");
            assertThat(stores.defaultApplicationName()).isEqualTo("stores-it-mirrors-changes-us-east-1");
        }
        TableDescription mirrors = client.describeTable(b -> b.tableName("stores-it-mirrors")).table();
        TableDescription refs = client.describeTable(b -> b.tableName("stores-it-refs")).table();
        assertThat(mirrors.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(refs.streamSpecification() == null || !Boolean.TRUE.equals(refs.streamSpecification().streamEnabled()))
                .as("refstore table has no stream").isTrue();
        assertThat(client.scan(b -> b.tableName("stores-it-refs")).items()).hasSize(1);
        assertThat(dynamoDbBuilders).as("the hook saw the mirrors client(s) and the refstore client").hasValueGreaterThanOrEqualTo(2);
    }

    @Test
    void build_shouldKeepTheRefstoreOnTheMirrorsTable_byDefault() {
        try (DynamoDbStores stores = DynamoDbStores.builder(config(Map.of("mirrors_database.dynamodb.table_name",
                "stores-it-shared"))).build()) {
            stores.refstore().putCommits(MirrorId.of("m1"), List.of(commit(1)));
        }
        assertThat(client.scan(b -> b.tableName("stores-it-shared")).items()).hasSize(1);
    }

    @Test
    void changeFeed_shouldRefuseToStartTwice() {
        try (DynamoDbStores stores = DynamoDbStores.builder(config(Map.of("mirrors_database.dynamodb.table_name",
                "stores-it-twice"))).build()) {
            var feed = stores.changeFeed("worker-1");
            feed.close();
            assertThatThrownBy(() -> feed.start(changes -> { })).isInstanceOf(IllegalStateException.class);
        }
    }
}
