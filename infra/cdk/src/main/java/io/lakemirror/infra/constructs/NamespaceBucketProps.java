package io.lakemirror.infra.constructs;

import io.lakemirror.domain.StorageNamespace;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;

/** Properties of {@link NamespaceBucket}. */
public final class NamespaceBucketProps {
    private final String bucketName;
    private final List<StorageNamespace> mirroredNamespaces;
    private final Duration noncurrentVersionExpiration;

    private NamespaceBucketProps(Builder builder) {
        this.bucketName = Objects.requireNonNull(builder.bucketName, "bucketName is required");
        this.mirroredNamespaces = List.copyOf(builder.mirroredNamespaces);
        this.noncurrentVersionExpiration = builder.noncurrentVersionExpiration;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getBucketName() {
        return bucketName;
    }

    public List<StorageNamespace> getMirroredNamespaces() {
        return mirroredNamespaces;
    }

    public Duration getNoncurrentVersionExpiration() {
        return noncurrentVersionExpiration;
    }

    /** Builds {@link NamespaceBucketProps}. */
    public static final class Builder {
        private String bucketName;
        private List<StorageNamespace> mirroredNamespaces = List.of();
        private Duration noncurrentVersionExpiration = Duration.days(7);

        private Builder() {
        }

        /** Name of the bucket that holds this region's lakeFS storage namespaces. Required. */
        public Builder bucketName(String bucketName) {
            this.bucketName = Objects.requireNonNull(bucketName, "bucketName");
            return this;
        }

        /**
         * Mirror namespaces in this bucket that S3 replication fills from another region. Each gets a
         * lifecycle rule that finishes the deletes replicated from the source (see {@link NamespaceBucket}).
         *
         * @default none: the bucket is no replication destination
         */
        public Builder mirroredNamespaces(List<StorageNamespace> mirroredNamespaces) {
            this.mirroredNamespaces = List.copyOf(mirroredNamespaces);
            return this;
        }

        /**
         * How long a replaced or deleted object version stays in a mirrored namespace before S3 expires
         * it: the window in which a lagging mirror branch can still read what the source already
         * garbage-collected.
         *
         * @default 7 days
         */
        public Builder noncurrentVersionExpiration(Duration noncurrentVersionExpiration) {
            this.noncurrentVersionExpiration = Objects.requireNonNull(noncurrentVersionExpiration,
                    "noncurrentVersionExpiration");
            return this;
        }

        public NamespaceBucketProps build() {
            return new NamespaceBucketProps(this);
        }
    }
}
