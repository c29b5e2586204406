package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.RetryableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchGetItem (100 keys a call) and BatchWriteItem (25 writes a call) on one table, resubmitting
 * the unprocessed part with jittered exponential backoff; DynamoDB returns one when a partition is
 * throttled. Keys must be distinct: a batch refuses duplicates.
 */
final class Batches {
    static final int GET_LIMIT = 100;
    static final int WRITE_LIMIT = 25;
    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);
    private static final int MAX_ATTEMPTS = 8;
    private static final Duration FIRST_DELAY = Duration.ofMillis(25);
    private static final Duration MAX_DELAY = Duration.ofSeconds(2);

    private final DynamoDbClient client;
    private final String table;

    Batches(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** The items found among {@code keys}, in no particular order; strongly consistent. */
    List<Map<String, AttributeValue>> get(String call, List<Map<String, AttributeValue>> keys, Optional<String> projection) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (List<Map<String, AttributeValue>> chunk : chunks(keys, GET_LIMIT)) {
            KeysAndAttributes pending = keysAndAttributes(chunk, projection);
            for (int attempt = 1; ; attempt++) {
                KeysAndAttributes request = pending;
                BatchGetItemResponse response = run(call, () -> client.batchGetItem(b -> b.requestItems(Map.of(table, request))));
                found.addAll(response.responses().getOrDefault(table, List.of()));
                KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
                if (unprocessed == null || !unprocessed.hasKeys() || unprocessed.keys().isEmpty()) {
                    break;
                }
                backOff(call, attempt, unprocessed.keys().size());
                pending = unprocessed;
            }
        }
        return found;
    }

    void put(String call, List<Map<String, AttributeValue>> items) {
        write(call, items.stream().map(i -> WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build()).toList());
    }

    void delete(String call, List<Map<String, AttributeValue>> keys) {
        write(call, keys.stream().map(k -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build()).toList());
    }

    private void write(String call, List<WriteRequest> writes) {
        for (List<WriteRequest> chunk : chunks(writes, WRITE_LIMIT)) {
            List<WriteRequest> pending = chunk;
            for (int attempt = 1; ; attempt++) {
                List<WriteRequest> request = pending;
                BatchWriteItemResponse response = run(call, () -> client.batchWriteItem(b -> b.requestItems(Map.of(table, request))));
                List<WriteRequest> unprocessed = response.unprocessedItems().getOrDefault(table, List.of());
                if (unprocessed.isEmpty()) {
                    break;
                }
                backOff(call, attempt, unprocessed.size());
                pending = unprocessed;
            }
        }
    }

    private <T> T run(String call, Supplier<T> op) {
        try {
            return op.get();
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(table, call, e);
        }
    }

    private void backOff(String call, int attempt, int unprocessed) {
        if (attempt >= MAX_ATTEMPTS) {
            throw new RetryableException("DynamoDB table " + table + ": " + call + " left " + unprocessed
                    + " item(s) unprocessed after " + attempt + " attempts (the table is throttled)"
                    + DynamoDbErrors.RETRIED);
        }
        LOG.debug("{} on {}: {} item(s) unprocessed, resubmitting (attempt {} of {})",
                call, table, unprocessed, attempt + 1, MAX_ATTEMPTS);
        pause(attempt, () -> new RetryableException("DynamoDB table " + table + ": " + call + " was interrupted with "
                + unprocessed + " item(s) unprocessed" + DynamoDbErrors.RETRIED));
    }

    /** Sleeps a jittered, exponentially growing delay before attempt {@code attempt + 1}. */
    static void pause(int attempt, Supplier<RetryableException> interrupted) {
        long cap = Math.min(MAX_DELAY.toMillis(), FIRST_DELAY.toMillis() << Math.min(attempt - 1, 16));
        long delay = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        try {
            TimeUnit.MILLISECONDS.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            RetryableException failure = interrupted.get();
            failure.initCause(e);
            throw failure;
        }
    }

    private static KeysAndAttributes keysAndAttributes(List<Map<String, AttributeValue>> keys, Optional<String> projection) {
        KeysAndAttributes.Builder b = KeysAndAttributes.builder().keys(keys).consistentRead(true);
        projection.ifPresent(p -> b.projectionExpression(p));
        return b.build();
    }

    static <T> List<List<T>> chunks(List<T> all, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            chunks.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return chunks;
    }

    /** {@code values} without repetitions, in first-seen order. */
    static <K, V> List<V> distinct(Iterable<V> values, Function<V, K> key) {
        Map<K, V> seen = new LinkedHashMap<>();
        values.forEach(v -> seen.putIfAbsent(key.apply(v), v));
        return new ArrayList<>(seen.values());
    }
}
