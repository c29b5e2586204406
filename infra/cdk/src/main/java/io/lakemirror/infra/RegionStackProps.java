package io.lakemirror.infra;

import io.lakemirror.domain.Region;
import io.lakemirror.infra.topology.Topology;
import java.util.Objects;

/** Properties of {@link RegionStack}. */
public final class RegionStackProps {
    private final Topology topology;
    private final Region region;
    private final boolean bucketReplication;

    private RegionStackProps(Builder builder) {
        this.topology = Objects.requireNonNull(builder.topology, "topology is required");
        this.region = Objects.requireNonNull(builder.region, "region is required");
        this.bucketReplication = builder.bucketReplication;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Topology getTopology() {
        return topology;
    }

    public Region getRegion() {
        return region;
    }

    public boolean isBucketReplication() {
        return bucketReplication;
    }

    /** Builds {@link RegionStackProps}. */
    public static final class Builder {
        private Topology topology;
        private Region region;
        private boolean bucketReplication = true;

        private Builder() {
        }

        /** The whole deployment. Required. */
        public Builder topology(Topology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
            return this;
        }

        /** Which of the topology's regions this stack deploys. Required. */
        public Builder region(Region region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * Whether the bucket gets its replication rules. S3 rejects a rule whose destination bucket does
         * not exist yet, so the very first deployment of a topology with replication in both directions
         * runs once without them.
         *
         * @default true
         */
        public Builder bucketReplication(boolean bucketReplication) {
            this.bucketReplication = bucketReplication;
            return this;
        }

        public RegionStackProps build() {
            return new RegionStackProps(this);
        }
    }
}
