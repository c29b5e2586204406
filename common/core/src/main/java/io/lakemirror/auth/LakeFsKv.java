package io.lakemirror.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Read access to lakeFS's key-value store as lakeFS lays it out in its database
 * (docs/design/lakefs-facts.md §5.2): items addressed by a partition key and an item key, both
 * bytes, each holding a value (bytes, usually a protobuf message). Adapters: DynamoDB (lakeFS's
 * {@code database.dynamodb.*}) and PostgreSQL ({@code database.postgres.*}). Read-only: the service
 * never writes lakeFS's database.
 */
public interface LakeFsKv extends AutoCloseable {

    /** One item. */
    record Entry(byte[] key, byte[] value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The value at {@code key} of {@code partition}, empty when absent. */
    Optional<byte[]> get(String partition, byte[] key);

    /**
     * Up to {@code limit} items of {@code partition} whose key starts with {@code prefix} and is
     * greater than {@code after} (when given), in ascending byte order of the key.
     */
    List<Entry> scan(String partition, byte[] prefix, Optional<byte[]> after, int limit);

    /** Where it reads, without secrets ("DynamoDB table kvstore"). */
    String describe();

    @Override
    default void close() {
    }
}
