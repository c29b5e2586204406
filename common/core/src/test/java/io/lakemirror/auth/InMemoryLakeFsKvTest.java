package io.lakemirror.auth;

import java.util.concurrent.atomic.AtomicInteger;

class InMemoryLakeFsKvTest extends LakeFsKvContract {
    private static final AtomicInteger PARTITIONS = new AtomicInteger();
    private final InMemoryLakeFsKv kv = new InMemoryLakeFsKv();
    private final String partition = "p" + PARTITIONS.incrementAndGet();

    @Override
    protected LakeFsKv kv() {
        return kv;
    }

    @Override
    protected void write(String partition, byte[] key, byte[] value) {
        kv.put(partition, key, value);
    }

    @Override
    protected String partition() {
        return partition;
    }
}
