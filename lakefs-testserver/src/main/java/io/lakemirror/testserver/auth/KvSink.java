package io.lakemirror.testserver.auth;

/** Where the test server writes its auth records in lakeFS's KV layout: a DynamoDB table (or another lakeFS database). */
public interface KvSink extends AutoCloseable {

    void put(String partition, byte[] key, byte[] value);

    void delete(String partition, byte[] key);

    /** Where it writes, for logs. */
    String describe();

    @Override
    default void close() {
    }
}
