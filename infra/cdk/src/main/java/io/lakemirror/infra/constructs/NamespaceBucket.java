package io.lakemirror.infra.constructs;

import io.lakemirror.domain.StorageNamespace;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The bucket of one region's lakeFS storage namespaces: versioned (S3 replication requires it on both
 * ends), encrypted with S3-managed keys, private, reachable over TLS only, and kept when the stack is
 * deleted.
 *
 * <p>Garbage collection reaches mirrors through the bucket rather than through lakeFS: lakeFS GC on the
 * source deletes objects, S3 replicates those deletes as delete markers, and here a lifecycle rule per
 * mirrored namespace expires the now-noncurrent versions and then the leftover delete markers.
 */
public final class NamespaceBucket extends Construct {
    private static final int SECONDS_PER_DAY = 86_400;

    private final Bucket bucket;
    private final String bucketName;

    public NamespaceBucket(Construct scope, String id, NamespaceBucketProps props) {
        super(scope, id);
        this.bucketName = props.getBucketName();
        getNode().addValidation(() -> validate(props));
        List<LifecycleRule> rules = new ArrayList<>();
        for (StorageNamespace namespace : props.getMirroredNamespaces()) {
            rules.add(LifecycleRule.builder()
                    .id("expire-replicated-deletes-" + (rules.size() + 1))
                    .prefix(ReplicationRoute.keyPrefix(namespace))
                    .noncurrentVersionExpiration(props.getNoncurrentVersionExpiration())
                    .expiredObjectDeleteMarker(true)
                    .build());
        }
        this.bucket = Bucket.Builder.create(this, "Bucket")
                .bucketName(bucketName)
                .versioned(true)
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(rules)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private List<String> validate(NamespaceBucketProps props) {
        List<String> problems = new ArrayList<>();
        for (StorageNamespace namespace : props.getMirroredNamespaces()) {
            if (!namespace.bucket().equals(bucketName)) {
                problems.add("mirrored namespace " + namespace + " is not in bucket " + bucketName);
            }
        }
        double seconds = props.getNoncurrentVersionExpiration().toSeconds().doubleValue();
        if (seconds < SECONDS_PER_DAY || seconds % SECONDS_PER_DAY != 0) {
            problems.add("noncurrentVersionExpiration " + props.getNoncurrentVersionExpiration().toHumanString()
                    + " must be a whole number of days, at least 1: S3 lifecycle rules count in days");
        }
        return problems;
    }

    public Bucket getBucket() {
        return bucket;
    }

    /** The literal bucket name (not a token). */
    public String getBucketName() {
        return bucketName;
    }

    /** The L1 resource, for settings the L2 bucket does not model the way this project needs them. */
    CfnBucket cfnBucket() {
        return (CfnBucket) bucket.getNode().getDefaultChild();
    }
}
