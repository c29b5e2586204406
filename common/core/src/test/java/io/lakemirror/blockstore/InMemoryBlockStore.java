package io.lakemirror.blockstore;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory {@link BlockStore} for unit tests that also counts the requests made, for cache tests. */
public final class InMemoryBlockStore implements BlockStore {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();

    public void put(String bucket, String key, byte[] bytes) {
        objects.put(bucket + "/" + key, bytes.clone());
    }

    public void remove(String bucket, String key) {
        objects.remove(bucket + "/" + key);
    }

    /** Every request so far, as {@code "HEAD bucket/key"} or {@code "GET bucket/key"}. */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    @Override
    public Optional<Long> head(String bucket, String key) {
        synchronized (this) {
            requests.add("HEAD " + bucket + "/" + key);
        }
        return Optional.ofNullable(objects.get(bucket + "/" + key)).map(b -> (long) b.length);
    }

    /** Size and ETag: the hex MD5 of the bytes, as S3 gives a single-part upload. */
    @Override
    public Optional<ObjectStat> stat(String bucket, String key) {
        synchronized (this) {
            requests.add("HEAD " + bucket + "/" + key);
        }
        return Optional.ofNullable(objects.get(bucket + "/" + key)).map(b -> new ObjectStat(b.length, Optional.of(md5(b))));
    }

    /** The ETag S3 gives a single-part upload of {@code bytes}: their hex MD5. */
    public static String md5(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    @Override
    public ByteSource open(String bucket, String key, long size) {
        synchronized (this) {
            requests.add("GET " + bucket + "/" + key);
        }
        byte[] bytes = objects.get(bucket + "/" + key);
        if (bytes == null) {
            throw new NotFoundException("s3://" + bucket + "/" + key + " does not exist");
        }
        return ByteSource.of("s3://" + bucket + "/" + key, bytes);
    }
}
