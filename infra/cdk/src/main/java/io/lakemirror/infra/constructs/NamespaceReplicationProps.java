package io.lakemirror.infra.constructs;

import java.util.List;
import java.util.Objects;

/** Properties of {@link NamespaceReplication}. */
public final class NamespaceReplicationProps {
    private final NamespaceBucket sourceBucket;
    private final List<ReplicationRoute> routes;

    private NamespaceReplicationProps(Builder builder) {
        this.sourceBucket = Objects.requireNonNull(builder.sourceBucket, "sourceBucket is required");
        this.routes = List.copyOf(builder.routes);
    }

    public static Builder builder() {
        return new Builder();
    }

    public NamespaceBucket getSourceBucket() {
        return sourceBucket;
    }

    public List<ReplicationRoute> getRoutes() {
        return routes;
    }

    /** Builds {@link NamespaceReplicationProps}. */
    public static final class Builder {
        private NamespaceBucket sourceBucket;
        private List<ReplicationRoute> routes = List.of();

        private Builder() {
        }

        /**
         * The bucket whose namespaces replicate. A {@link NamespaceBucket} rather than any bucket, because
         * S3 replication needs versioning, which it always has. Required.
         */
        public Builder sourceBucket(NamespaceBucket sourceBucket) {
            this.sourceBucket = Objects.requireNonNull(sourceBucket, "sourceBucket");
            return this;
        }

        /**
         * Which namespaces of the source bucket go to which region's bucket; one replication rule each.
         * Required, at least one.
         */
        public Builder routes(List<ReplicationRoute> routes) {
            this.routes = List.copyOf(routes);
            return this;
        }

        public NamespaceReplicationProps build() {
            return new NamespaceReplicationProps(this);
        }
    }
}
