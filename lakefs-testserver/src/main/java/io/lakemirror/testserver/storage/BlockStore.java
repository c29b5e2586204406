package io.lakemirror.testserver.storage;

import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.testserver.model.LakeFsError;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 bucket(s) behind the storage namespaces, through one blocking client: call it only from
 * worker threads. Keys are relative to a namespace, as lakeFS's {@code RELATIVE} addresses are.
 */
public final class BlockStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockStore.class);

    private final S3Client s3;

    public BlockStore(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        this.s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** Stores bytes and returns the ETag S3 gave them, without quotes (lakeFS's checksum). */
    public String put(StorageNamespace ns, String relativeKey, byte[] bytes, String contentType) {
        try {
            PutObjectResponse r = s3.putObject(b -> b.bucket(ns.bucket()).key(ns.key(relativeKey))
                    .contentType(contentType.isEmpty() ? "application/octet-stream" : contentType),
                    RequestBody.fromBytes(bytes));
            return unquote(r.eTag());
        } catch (NoSuchBucketException e) {
            throw LakeFsError.badRequest("storage namespace " + ns + ": bucket does not exist");
        } catch (SdkException e) {
            throw storageFailure("write", ns, relativeKey, e);
        }
    }

    /** The object's bytes, empty when absent. */
    public Optional<byte[]> get(StorageNamespace ns, String relativeKey) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(ns.bucket()).key(ns.key(relativeKey))).asByteArray());
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw storageFailure("read", ns, relativeKey, e);
        }
    }

    /** Reads an object addressed by a full {@code s3://bucket/key} URI (a lakeFS {@code FULL} address). */
    public Optional<byte[]> getFull(String address) {
        URI uri = URI.create(address);
        if (!"s3".equals(uri.getScheme())) {
            throw LakeFsError.badRequest("physical address " + address + " is not on S3");
        }
        String key = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(uri.getHost()).key(key)).asByteArray());
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new LakeFsError(LakeFsError.Kind.INTERNAL, "reading " + address + " failed: " + e.getMessage());
        }
    }

    public boolean exists(StorageNamespace ns, String relativeKey) {
        try {
            s3.headObject(b -> b.bucket(ns.bucket()).key(ns.key(relativeKey)));
            return true;
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw storageFailure("check", ns, relativeKey, e);
        } catch (SdkException e) {
            throw storageFailure("check", ns, relativeKey, e);
        }
    }

    /** Creates {@code bucket} unless it exists; returns whether it was created. */
    public boolean createBucketIfAbsent(String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return false;
        } catch (NoSuchBucketException e) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
                LOG.info("created bucket {}", bucket);
                return true;
            } catch (BucketAlreadyOwnedByYouException raced) {
                return false;
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                s3.createBucket(b -> b.bucket(bucket));
                LOG.info("created bucket {}", bucket);
                return true;
            }
            throw e;
        }
    }

    private static LakeFsError storageFailure(String verb, StorageNamespace ns, String key, SdkException e) {
        return new LakeFsError(LakeFsError.Kind.INTERNAL,
                "could not " + verb + " " + ns.key(key) + " in bucket " + ns.bucket() + ": " + e.getMessage());
    }

    private static String unquote(String eTag) {
        if (eTag == null) {
            return "";
        }
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }

    @Override
    public void close() {
        s3.close();
    }
}
