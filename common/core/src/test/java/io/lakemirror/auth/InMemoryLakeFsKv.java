package io.lakemirror.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** lakeFS's KV in memory, for unit tests: partitions of items ordered by key bytes (unsigned). */
public final class InMemoryLakeFsKv implements LakeFsKv {
    private final Map<String, NavigableMap<byte[], byte[]>> partitions = new ConcurrentHashMap<>();

    public void put(String partition, byte[] key, byte[] value) {
        partitions.computeIfAbsent(partition, p -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned)).put(key, value);
    }

    public void put(String partition, String key, byte[] value) {
        put(partition, key.getBytes(StandardCharsets.UTF_8), value);
    }

    public void delete(String partition, String key) {
        Optional.ofNullable(partitions.get(partition)).ifPresent(p -> p.remove(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Optional<byte[]> get(String partition, byte[] key) {
        return Optional.ofNullable(partitions.get(partition)).map(p -> p.get(key));
    }

    @Override
    public List<Entry> scan(String partition, byte[] prefix, Optional<byte[]> after, int limit) {
        NavigableMap<byte[], byte[]> p = partitions.get(partition);
        List<Entry> out = new ArrayList<>();
        if (p == null) {
            return out;
        }
        NavigableMap<byte[], byte[]> tail = after.isPresent() && Arrays.compareUnsigned(after.get(), prefix) >= 0
                ? p.tailMap(after.get(), false) : p.tailMap(prefix, true);
        for (Map.Entry<byte[], byte[]> e : tail.entrySet()) {
            if (out.size() == limit || !startsWith(e.getKey(), prefix)) {
                break;
            }
            out.add(new Entry(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public String describe() {
        return "in-memory KV";
    }
}
