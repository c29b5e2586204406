package io.lakemirror.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LakeFsKv} adapter must do, run against the in-memory fake and each database adapter.
 * A subclass gives the adapter and a way to write items as lakeFS would (the service itself never writes).
 */
public abstract class LakeFsKvContract {

    /** The adapter under test, reading a partition space no other test uses. */
    protected abstract LakeFsKv kv();

    /** Writes an item as lakeFS would. */
    protected abstract void write(String partition, byte[] key, byte[] value);

    /** A partition name unique to the running test. */
    protected abstract String partition();

    /**
     * A valid region configuration with everything but the {@code database.*} keys of lakeFS's KV, which each
     * adapter's test adds for its database.
     */
    protected static Map<String, Object> regionConfigWithoutDatabase() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("region", "us-east-1");
        values.put("organization_id", "kv-it");
        values.put("regional_endpoint", "http://lakefs-a:8000");
        values.put("dst_endpoints", Map.of("eu-west-1", "http://lakefs-b:8000"));
        values.put("lakefs.access_key_id", "AKIAREPLICATION");
        values.put("lakefs.secret_access_key", "secret");
        values.put("mirrors_database.type", "dynamodb");
        values.put("mirrors_database.dynamodb.table_name", "mirrors");
        values.put("blockstore.type", "s3");
        values.put("auth.encrypt.secret_key", "lakefs-secret");
        return values;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void get_shouldReturnTheValue_orEmptyWhenAbsent() {
        String p = partition();
        write(p, b("users/alice"), new byte[] {1, 2, 3});

        assertThat(kv().get(p, b("users/alice"))).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
        assertThat(kv().get(p, b("users/bob"))).isEmpty();
        assertThat(kv().get(p + "-other", b("users/alice"))).isEmpty();
    }

    @Test
    void scan_shouldListOnlyThePrefix_inKeyOrder_pagedAfterAKey() {
        String p = partition();
        IntStream.range(0, 7).forEach(i -> write(p, b("users/u" + i), b("v" + i)));
        write(p, b("usersX"), b("no"));
        write(p, b("policies/p"), b("no"));

        List<LakeFsKv.Entry> first = kv().scan(p, b("users/"), Optional.empty(), 4);
        List<LakeFsKv.Entry> rest = kv().scan(p, b("users/"), Optional.of(first.get(3).key()), 4);

        assertThat(first).extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
                .containsExactly("users/u0", "users/u1", "users/u2", "users/u3");
        assertThat(rest).extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
                .containsExactly("users/u4", "users/u5", "users/u6");
        assertThat(rest.get(0).value()).isEqualTo(b("v4"));
    }

    @Test
    void scan_shouldOrderKeysAsUnsignedBytes() {
        String p = partition();
        write(p, b("k/\u00e9"), b("2"));
        write(p, b("k/z"), b("1"));

        assertThat(kv().scan(p, b("k/"), Optional.empty(), 10)).extracting(e -> new String(e.value(), StandardCharsets.UTF_8))
                .containsExactly("1", "2");
    }
}
