package io.lakemirror.testserver;

import com.adobe.testing.s3mock.S3MockApplication;
import io.lakemirror.testserver.spec.SpecExchangeCheck;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One embedded S3Mock per test JVM, started by the first test class that asks and stopped when the
 * JUnit run ends (it lives in the root extension store).
 */
public final class SharedS3 implements AutoCloseable {
    public static final String ACCESS_KEY_ID = "test";
    public static final String SECRET_ACCESS_KEY = "test";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3MockApplication s3mock;
    private final URI endpoint;
    private final S3Client client;

    private SharedS3() {
        // S3Mock removes entries from this map, so it must be mutable.
        Map<String, Object> props = new HashMap<>(Map.of(
                S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_SILENT, true,
                "server.address", "127.0.0.1"));
        this.s3mock = S3MockApplication.start(props);
        this.endpoint = URI.create("http://127.0.0.1:" + httpPort(s3mock));
        this.client = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** S3Mock 4 serves HTTP on a second connector; 5.x drops the accessor for it. */
    @SuppressWarnings("removal")
    private static int httpPort(S3MockApplication s3mock) {
        return s3mock.getHttpPort();
    }

    /** The JVM's S3Mock, started on first use. */
    public static SharedS3 get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedS3.class, k -> new SharedS3(), SharedS3.class);
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client client() {
        return client;
    }

    /** A new, empty bucket. */
    public String newBucket() {
        String bucket = "bucket-" + BUCKETS.incrementAndGet();
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /** A test server on this S3, checking every exchange against lakeFS's spec; the caller closes it. */
    public LakeFsTestServer.Builder server() {
        return LakeFsTestServer.builder().s3Endpoint(endpoint).s3Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .checkExchanges(new SpecExchangeCheck());
    }

    @Override
    public void close() {
        client.close();
        s3mock.stop();
    }
}
