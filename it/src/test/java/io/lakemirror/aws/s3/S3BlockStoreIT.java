package io.lakemirror.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.Fixtures;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.GravelerWriter;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.testkit.EmbeddedS3;
import io.lakemirror.testkit.LocalAws;
import io.lakemirror.testkit.S3Mock;
import io.lakemirror.testkit.S3ProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * The S3 block store against each embedded S3 server: HEAD, ranged reads equal to the object's bytes,
 * lakeFS metadata files read through the graveler codec in ranges, and failures as domain exceptions.
 * Every case runs on S3Mock (the two-region world's S3) and on S3Proxy (whose cost per request does not
 * grow with the bucket), one server per run of the class.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(S3BlockStoreIT.Server.class)
class S3BlockStoreIT {
    private static final String BUCKET = "lakemirror-eu-west-1";
    private static EmbeddedS3 s3;

    /** Which server this run of the class is on (named in the report). */
    @Parameter
    Server server;

    private final GetRecorder gets = new GetRecorder();
    private S3BlockStore store;

    /** The embedded S3 servers the cases run on. */
    enum Server {
        S3MOCK(S3Mock::start),
        S3PROXY(S3ProxyServer::start);

        private final Supplier<EmbeddedS3> start;

        Server(Supplier<EmbeddedS3> start) {
            this.start = start;
        }
    }

    @BeforeParameterizedClassInvocation
    static void startServer(Server server) {
        s3 = server.start.get();
        s3.createBucket(BUCKET);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }

    private static EmbeddedS3 s3() {
        return s3;
    }

    @BeforeEach
    void openStore() {
        ReplicationConfig config = config(s3().endpoint().toString());
        store = new S3BlockStore(S3BlockStore.clientBuilder(config)
                .overrideConfiguration(AwsClients.overrides().toBuilder().addExecutionInterceptor(gets).build())
                .build());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static ReplicationConfig config(String endpoint) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "eu-west-1",
                "organization_id", "acme",
                "regional_endpoint", "http://lakefs-b.example.com:8000",
                "dst_endpoints", Map.of("us-east-1", "http://lakefs-a.example.com:8000"),
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "lakefs-secret",
                "mirrors_database.type", "dynamodb",
                "mirrors_database.dynamodb.table_name", "lakemirror",
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "encrypt-secret"));
        values.put("blockstore.s3.endpoint", endpoint);
        values.put("blockstore.s3.force_path_style", true);
        values.put("aws.access_key_id", LocalAws.ACCESS_KEY_ID);
        values.put("aws.secret_access_key", LocalAws.SECRET_ACCESS_KEY);
        return ConfigLoader.fromMap(values);
    }

    private static void put(String key, byte[] bytes) {
        s3().client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }


    private static <T> List<T> list(Iterator<T> iterator) {
        List<T> out = new ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }

    @Test
    void head_shouldReturnTheSize_whenTheObjectExists() {
        put("repo/_lakefs/present", randomBytes(12_345, 1));

        assertThat(store.head(BUCKET, "repo/_lakefs/present")).contains(12_345L);
    }

    @Test
    void head_shouldBeEmpty_whenTheKeyOrTheBucketIsAbsent() {
        assertThat(store.head(BUCKET, "repo/_lakefs/absent")).isEmpty();
        assertThat(store.head("no-such-bucket", "repo/_lakefs/absent")).isEmpty();
    }

    @Test
    void read_shouldReturnTheObjectsBytes_atRandomOffsetsAndLengths() {
        byte[] bytes = randomBytes(700_000, 2);
        put("repo/_lakefs/random", bytes);
        Random random = new Random(3);

        for (S3BlockStore s : List.of(store, new S3BlockStore(s3().client(), 1))) {
            ByteSource source = s.open(BUCKET, "repo/_lakefs/random", bytes.length);
            for (int i = 0; i < 40; i++) {
                int offset = random.nextInt(bytes.length + 100);
                int length = random.nextInt(80_000);
                int end = Math.min(bytes.length, offset + length);
                byte[] expected = end <= offset ? new byte[0] : Arrays.copyOfRange(bytes, offset, end);
                assertThat(source.read(offset, length)).as("read(%d, %d)", offset, length).isEqualTo(expected);
            }
        }
        assertThat(gets.requests()).allSatisfy(r -> assertThat(r.range()).startsWith("bytes="));
    }

    @Test
    void readMetaRange_shouldListTheFixturesRange_readingItInRanges() throws IOException {
        byte[] file = Fixtures.bytes("lakefs-sstables/metarange.sst");
        put("repo/_lakefs/metarange", file);
        long size = store.head(BUCKET, "repo/_lakefs/metarange").orElseThrow();

        List<RangeInfo> ranges = list(GravelerReader.readMetaRange(store.open(BUCKET, "repo/_lakefs/metarange", size)));

        assertThat(ranges).extracting(r -> r.id().value())
                .containsExactly("a83af763ba098c15369d9d6d723731eb9ce18b8dfac4f88c6f1287e772393d0e");
        assertThat(ranges).isEqualTo(list(GravelerReader.readMetaRange(Fixtures.source("lakefs-sstables/metarange.sst"))));
        assertThat(gets.requests()).as("GETs").isNotEmpty()
                .allSatisfy(r -> assertThat(r.range()).startsWith("bytes="));
        assertThat(gets.bytesRequested()).isLessThanOrEqualTo(file.length);
    }

    @Test
    void readRange_shouldReadALargeRangeBlockByBlock_neverTheWholeObjectAtOnce() {
        GravelerWriter.WrittenRange range = largestRange(4_000);
        put("repo/_lakefs/" + range.id().value(), range.bytes());

        List<EntryRecord> read = list(GravelerReader.readRange(
                store.open(BUCKET, "repo/_lakefs/" + range.id().value(), range.bytes().length)));

        assertThat(read).isEqualTo(list(GravelerReader.readRange(ByteSource.of("local", range.bytes()))));
        List<Get> requests = gets.requests();
        assertThat(requests).as("ranged GETs of a %d-byte range", range.bytes().length).hasSizeGreaterThan(2)
                .allSatisfy(r -> assertThat(r.range()).startsWith("bytes="));
        assertThat(requests).allSatisfy(r -> assertThat(r.length()).isLessThan(range.bytes().length));
        assertThat(gets.bytesRequested()).as("bytes fetched")
                .isLessThanOrEqualTo(range.bytes().length + S3BlockStore.MINIMUM_REQUEST_BYTES + 16 * 1024);
    }

    private static GravelerWriter.WrittenRange largestRange(int entries) {
        HexFormat hex = HexFormat.of();
        Random random = new Random(4);
        Iterator<EntryRecord> records = IntStream.range(0, entries).mapToObj(i -> {
            byte[] etag = new byte[16];
            random.nextBytes(etag);
            Entry entry = new Entry("data/gx0/" + hex.formatHex(etag) + "-" + i, Entry.AddressType.RELATIVE,
                    Instant.ofEpochSecond(1_700_000_000L + i), 1_000L + i, hex.formatHex(etag), Map.of(), "");
            return new EntryRecord("tables/events/part-%06d.parquet".formatted(i), entry, null);
        }).iterator();
        return GravelerWriter.writeMetaRange(records).ranges().stream()
                .max(Comparator.comparingInt(r -> r.bytes().length)).orElseThrow();
    }

    @Test
    void read_shouldThrowNotFound_whenTheObjectDisappearsAfterOpen() {
        put("repo/_lakefs/vanishing", randomBytes(1_000, 5));
        ByteSource source = store.open(BUCKET, "repo/_lakefs/vanishing", 1_000);
        s3().client().deleteObject(b -> b.bucket(BUCKET).key("repo/_lakefs/vanishing"));

        assertThatThrownBy(() -> source.read(0, 100))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("s3://" + BUCKET + "/repo/_lakefs/vanishing")
                .hasMessageContaining("disappeared");
    }

    @Test
    void head_shouldThrowRetryable_whenTheStoreIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ReplicationConfig config = config("http://127.0.0.1:" + closedPort);
        try (S3BlockStore unreachable = new S3BlockStore(S3BlockStore.clientBuilder(config)
                .overrideConfiguration(AwsClients.overrides().toBuilder().retryStrategy(AwsRetryStrategy.doNotRetry()).build())
                .build())) {
            assertThatThrownBy(() -> unreachable.head(BUCKET, "any"))
                    .isInstanceOf(RetryableException.class)
                    .hasMessageContaining("s3://" + BUCKET + "/any");
        }
    }

    @Test
    void create_shouldBuildAWorkingStore_fromTheConfiguration() {
        put("repo/_lakefs/configured", new byte[] {1, 2, 3});
        try (S3BlockStore configured = S3BlockStore.create(config(s3().endpoint().toString()))) {
            assertThat(configured.head(BUCKET, "repo/_lakefs/configured")).isEqualTo(Optional.of(3L));
            assertThat(configured.open(BUCKET, "repo/_lakefs/configured", 3).read(1, 5)).containsExactly(2, 3);
        }
    }

    /** A GET the client sent, with its Range header. */
    record Get(String path, String range) {
        long length() {
            String[] bounds = range.substring("bytes=".length()).split("-");
            return Long.parseLong(bounds[1]) - Long.parseLong(bounds[0]) + 1;
        }
    }

    /** Records every GET the client sends, as it goes on the wire. */
    static final class GetRecorder implements ExecutionInterceptor {
        private final List<Get> requests = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.httpRequest().method() == SdkHttpMethod.GET) {
                requests.add(new Get(context.httpRequest().encodedPath(),
                        context.httpRequest().firstMatchingHeader("Range").orElse("")));
            }
        }

        List<Get> requests() {
            synchronized (requests) {
                return List.copyOf(requests);
            }
        }

        long bytesRequested() {
            return requests().stream().mapToLong(Get::length).sum();
        }
    }
}
