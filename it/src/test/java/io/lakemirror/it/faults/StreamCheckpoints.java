package io.lakemirror.it.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Stream replays: remembers the change-feed checkpoints the promoters of each region reached (KCL's
 * lease rows in dynoxide) and, while those promoters are down, moves a checkpoint back to one seen
 * earlier, so that their next incarnation reads old mirrors-table changes again.
 */
final class StreamCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(StreamCheckpoints.class);

    private record Sample(Instant at, String checkpoint) {
    }

    /** Each region's DynamoDB, where its KCL lease table is (one shared, or one per region with a global table). */
    private final java.util.function.Function<String, DynamoDbClient> dynamoDb;
    private final String mirrorsTable;
    private final Map<String, Map<String, List<Sample>>> samples = new HashMap<>();

    StreamCheckpoints(java.util.function.Function<String, DynamoDbClient> dynamoDb, String mirrorsTable) {
        this.dynamoDb = dynamoDb;
        this.mirrorsTable = mirrorsTable;
    }

    private String leaseTable(String region) {
        return mirrorsTable + "-changes-" + region;
    }

    /** Records the current checkpoint of every shard lease of {@code region}. */
    synchronized void sample(String region) {
        try {
            for (Map<String, AttributeValue> row : dynamoDb.apply(region).scanPaginator(b -> b.tableName(leaseTable(region))).items()) {
                AttributeValue checkpoint = row.get("checkpoint");
                if (checkpoint != null && checkpoint.s() != null && checkpoint.s().chars().allMatch(Character::isDigit)) {
                    List<Sample> list = samples.computeIfAbsent(region, r -> new HashMap<>())
                            .computeIfAbsent(row.get("leaseKey").s(), k -> new ArrayList<>());
                    if (list.isEmpty() || !list.get(list.size() - 1).checkpoint().equals(checkpoint.s())) {
                        list.add(new Sample(Instant.now(), checkpoint.s()));
                    }
                }
            }
        } catch (ResourceNotFoundException e) {
            LOG.trace("no lease table for {} yet", region);
        }
    }

    /**
     * Moves each shard lease of {@code region} back to a checkpoint sampled earlier (chosen with
     * {@code random}), or to the start of the stream when none was sampled. Call only while no
     * promoter of the region runs.
     *
     * @return how many records back, roughly: the number of shards rewound
     */
    synchronized int rewind(String region, Random random) {
        int rewound = 0;
        try {
            for (Map<String, AttributeValue> row : dynamoDb.apply(region).scanPaginator(b -> b.tableName(leaseTable(region))).items()) {
                String shard = row.get("leaseKey").s();
                String current = row.containsKey("checkpoint") ? row.get("checkpoint").s() : null;
                if (current == null || !current.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                List<Sample> older = samples.getOrDefault(region, Map.of()).getOrDefault(shard, List.of()).stream()
                        .filter(s -> new java.math.BigInteger(s.checkpoint()).compareTo(new java.math.BigInteger(current)) < 0)
                        .toList();
                String target = older.isEmpty() || random.nextInt(5) == 0 ? "TRIM_HORIZON"
                        : older.get(random.nextInt(older.size())).checkpoint();
                dynamoDb.apply(region).updateItem(b -> b.tableName(leaseTable(region))
                        .key(Map.of("leaseKey", AttributeValue.builder().s(shard).build()))
                        .updateExpression("SET #c = :c, #s = :zero REMOVE #p, #ps")
                        .expressionAttributeNames(Map.of("#c", "checkpoint", "#s", "checkpointSubSequenceNumber",
                                "#p", "pendingCheckpoint", "#ps", "pendingCheckpointSubSequenceNumber"))
                        .expressionAttributeValues(Map.of(":c", AttributeValue.builder().s(target).build(),
                                ":zero", AttributeValue.builder().n("0").build())));
                LOG.info("stream replay: change feed of {} shard {} moved back from {} to {}", region, shard, current, target);
                rewound++;
            }
        } catch (ResourceNotFoundException e) {
            LOG.info("stream replay: no lease table for {} yet; nothing to rewind", region);
        }
        return rewound;
    }
}
