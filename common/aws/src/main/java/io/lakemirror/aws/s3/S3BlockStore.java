package io.lakemirror.aws.s3;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.blockstore.ObjectStat;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.NotFoundException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The block store on Amazon S3 (S3Mock in tests): {@code HeadObject} for presence and size, ranged
 * {@code GetObject} ({@code Range: bytes=a-b}) for reads, never a whole-object download. Failures
 * become domain exceptions: a missing object on HEAD is an empty result, a 403 an
 * {@link io.lakemirror.domain.AuthorizationException}, throttling/5xx/timeouts a
 * {@link io.lakemirror.domain.RetryableException}, and an object that disappears while being read a
 * {@link NotFoundException}. Thread-safe; close it to release a client it built.
 */
public final class S3BlockStore implements BlockStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlockStore.class);
    /** Smallest ranged GET: a few blocks, so short sequential reads share one request. */
    public static final int MINIMUM_REQUEST_BYTES = 64 * 1024;

    private final S3Client client;
    private final boolean ownsClient;
    private final int minimumRequest;

    /** A block store over {@code client}, which stays the caller's. */
    public S3BlockStore(S3Client client) {
        this(client, false, MINIMUM_REQUEST_BYTES);
    }

    /** As {@link #S3BlockStore(S3Client)}, with a different smallest ranged GET (1 disables read-ahead). */
    public S3BlockStore(S3Client client, int minimumRequestBytes) {
        this(client, false, minimumRequestBytes);
    }

    private S3BlockStore(S3Client client, boolean ownsClient, int minimumRequest) {
        if (minimumRequest < 1) {
            throw new IllegalArgumentException("minimum request must be at least 1 byte, got " + minimumRequest);
        }
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.minimumRequest = minimumRequest;
    }

    /** The block store as configured: {@code blockstore.s3.*} and {@code aws.*}. */
    public static S3BlockStore create(ReplicationConfig config) {
        ReplicationConfig.BlockstoreSettings settings = config.blockstore();
        LOG.info("S3 block store: region {}, endpoint {}, {} addressing", settings.s3Region(),
                settings.s3Endpoint().map(Object::toString).orElse("AWS"),
                settings.forcePathStyle() ? "path-style" : "virtual-host");
        return new S3BlockStore(clientBuilder(config).build(), true, MINIMUM_REQUEST_BYTES);
    }

    /**
     * A block store that reads buckets of every region, not only {@code blockstore.s3.region}'s: S3 answers a
     * request for another region's bucket with a redirect, which this client follows (the integrity audit
     * of the API's process reads the mirror's bucket in the destination region). It owns its client.
     */
    public static S3BlockStore createAnyRegion(ReplicationConfig config) {
        return new S3BlockStore(clientBuilder(config).crossRegionAccessEnabled(true).build(), true, MINIMUM_REQUEST_BYTES);
    }

    /**
     * A client builder set up from the configuration (region, endpoint override, path style,
     * credentials, Apache HTTP client, timeouts), for callers that add to it before building.
     */
    public static S3ClientBuilder clientBuilder(ReplicationConfig config) {
        ReplicationConfig.BlockstoreSettings settings = config.blockstore();
        AwsCredentialsProvider credentials = AwsClients.credentials(config);
        S3ClientBuilder builder = S3Client.builder()
                .region(AwsClients.awsRegion(settings.s3Region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.forcePathStyle())
                .httpClientBuilder(AwsClients.httpClient())
                .overrideConfiguration(AwsClients.overrides());
        settings.s3Endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    @Override
    public Optional<Long> head(String bucket, String key) {
        String location = location(bucket, key);
        try {
            long size = client.headObject(b -> b.bucket(bucket).key(key)).contentLength();
            LOG.trace("HEAD {}: {} bytes", location, size);
            return Optional.of(size);
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                LOG.trace("HEAD {}: absent", location);
                return Optional.empty();
            }
            throw S3Errors.translate(e, "HEAD", location, "its presence is unknown");
        }
    }

    @Override
    public Optional<ObjectStat> stat(String bucket, String key) {
        String location = location(bucket, key);
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(key));
            LOG.trace("HEAD {}: {} bytes, ETag {}", location, head.contentLength(), head.eTag());
            return Optional.of(new ObjectStat(head.contentLength(), Optional.ofNullable(head.eTag())));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                LOG.trace("HEAD {}: absent", location);
                return Optional.empty();
            }
            throw S3Errors.translate(e, "HEAD", location, "its presence is unknown");
        }
    }

    @Override
    public ByteSource open(String bucket, String key, long size) {
        String location = location(bucket, key);
        return new RangedByteSource(location, size, minimumRequest, (first, last) -> readRange(bucket, key, first, last));
    }

    private byte[] readRange(String bucket, String key, long first, long last) {
        String location = location(bucket, key);
        String range = "bytes=" + first + "-" + last;
        ResponseBytes<GetObjectResponse> response;
        try {
            response = client.getObjectAsBytes(b -> b.bucket(bucket).key(key).range(range));
        } catch (SdkException e) {
            if (S3Errors.isRangeNotSatisfiable(e)) {
                LOG.trace("GET {} {}: the object ends before the range", location, range);
                return new byte[0];
            }
            if (S3Errors.isNotFound(e)) {
                throw new NotFoundException(location + " disappeared while being read (" + range + "): "
                        + e.getMessage() + "; the read is abandoned", e);
            }
            throw S3Errors.translate(e, "GET " + range, location, "the read is abandoned");
        }
        byte[] bytes = response.asByteArrayUnsafe();
        long wanted = last - first + 1;
        LOG.trace("GET {} {}: {} bytes", location, range, bytes.length);
        if (response.response().contentRange() == null && bytes.length > wanted) {
            // A store that ignores Range answers 200 with the whole object; keep what was asked for.
            int from = (int) Math.min(bytes.length, first);
            return Arrays.copyOfRange(bytes, from, (int) Math.min(bytes.length, first + wanted));
        }
        return bytes;
    }

    private static String location(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "S3BlockStore[" + client.serviceClientConfiguration().region() + "]";
    }
}
