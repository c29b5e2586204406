package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
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

class DynoxideIT {

    @Test
    void start_shouldServeDynamoDbOnLoopback_andCloseShouldStopEveryProcess() {
        ProcessHygiene.Snapshot before = ProcessHygiene.snapshot();
        Dynoxide dynoxide = Dynoxide.start();
        ProcessHandle server = dynoxide.process();
        try (DynamoDbClient client = LocalAws.dynamoDb(dynoxide.endpoint())) {
            client.createTable(b -> b.tableName("things")
                    .keySchema(KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("k").attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
            client.putItem(b -> b.tableName("things").item(Map.of("k", AttributeValue.builder().s("v").build())));
            assertThat(client.getItem(b -> b.tableName("things").key(Map.of("k", AttributeValue.builder().s("v").build()))).item())
                    .containsKey("k");
        } finally {
            dynoxide.close();
        }
        assertThat(server.isAlive()).isFalse();
        assertThat(accepts(dynoxide.port())).as("port %d after close", dynoxide.port()).isFalse();
        before.assertNoNewProcesses(Duration.ofSeconds(5));
    }

    @Test
    void compatClients_shouldRewriteArnRegion_andReportTheShardOpen_whenTheStreamHasRecords() {
        try (Dynoxide dynoxide = Dynoxide.start();
             DynamoDbClient raw = LocalAws.dynamoDb(dynoxide.endpoint());
             DynamoDbClient compat = DynoxideCompat.dynamoDb(dynoxide.endpoint(), Region.EU_WEST_1);
             DynamoDbStreamsClient rawStreams = LocalAws.dynamoDbStreams(dynoxide.endpoint());
             DynamoDbStreamsClient compatStreams = DynoxideCompat.streams(dynoxide.endpoint(), Region.EU_WEST_1)) {
            raw.createTable(b -> b.tableName("streamed")
                    .keySchema(KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("k").attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .streamSpecification(StreamSpecification.builder().streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build()));
            raw.putItem(b -> b.tableName("streamed").item(Map.of("k", AttributeValue.builder().s("v").build())));
            String rawArn = raw.describeTable(b -> b.tableName("streamed")).table().latestStreamArn();
            String arn = compat.describeTable(b -> b.tableName("streamed")).table().latestStreamArn();

            assertThat(rawArn).contains(":dynoxide:");
            assertThat(arn).isEqualTo(DynoxideCompat.kclStreamArn(rawArn, Region.EU_WEST_1)).contains(":eu-west-1:");
            assertThat(rawStreams.describeStream(b -> b.streamArn(rawArn)).streamDescription().shards())
                    .as("dynoxide marks its open shard with an ending sequence number")
                    .anySatisfy(shard -> assertThat(shard.sequenceNumberRange().endingSequenceNumber()).isNotNull());
            var described = compatStreams.describeStream(b -> b.streamArn(arn)).streamDescription();
            assertThat(described.streamArn()).isEqualTo(arn);
            assertThat(described.shards()).isNotEmpty()
                    .allSatisfy(shard -> assertThat(shard.sequenceNumberRange().endingSequenceNumber()).isNull());
        }
    }

    @Test
    void close_shouldBeIdempotent() {
        Dynoxide dynoxide = Dynoxide.start();
        dynoxide.close();
        dynoxide.close();
        assertThat(dynoxide.isRunning()).isFalse();
    }

    @Test
    void watchdog_shouldKillDynoxide_whenTheJvmThatStartedItIsKilled() throws Exception {
        ProcessHygiene.Snapshot before = ProcessHygiene.snapshot();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                DynoxideChildJvm.class.getName())).redirectErrorStream(true).start();
        long dynoxidePid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            dynoxidePid = -1;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("DYNOXIDE_PID=")) {
                    dynoxidePid = Long.parseLong(line.substring("DYNOXIDE_PID=".length()));
                    break;
                }
            }
            assertThat(dynoxidePid).as("the child JVM reported a dynoxide pid").isPositive();
            ProcessHandle dynoxide = ProcessHandle.of(dynoxidePid).orElseThrow();

            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.onExit().get(10, TimeUnit.SECONDS);

            dynoxide.onExit().get(10, TimeUnit.SECONDS);
            assertThat(dynoxide.isAlive()).isFalse();
        } finally {
            child.destroyForcibly();
        }
        before.assertNoNewProcesses(Duration.ofSeconds(5));
    }

    @Test
    void start_shouldFailWithTheOutput_whenTheBinaryIsNotDynoxide() {
        assertThatThrownBy(() -> Dynoxide.start(Path.of("/bin/false"), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("exited with code 1");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
