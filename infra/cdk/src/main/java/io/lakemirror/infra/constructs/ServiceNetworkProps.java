package io.lakemirror.infra.constructs;

import java.util.List;

/** Properties of {@link ServiceNetwork}. */
public final class ServiceNetworkProps {
    private final List<String> availabilityZones;
    private final int natGateways;

    private ServiceNetworkProps(Builder builder) {
        this.availabilityZones = List.copyOf(builder.availabilityZones);
        this.natGateways = builder.natGateways;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> getAvailabilityZones() {
        return availabilityZones;
    }

    public int getNatGateways() {
        return natGateways;
    }

    /** Builds {@link ServiceNetworkProps}. */
    public static final class Builder {
        private List<String> availabilityZones = List.of();
        private int natGateways = 1;

        private Builder() {
        }

        /**
         * Availability zones of the VPC. Naming them keeps synthesis free of an account lookup.
         *
         * @default two zones of the stack's region, resolved at deployment
         */
        public Builder availabilityZones(List<String> availabilityZones) {
            this.availabilityZones = List.copyOf(availabilityZones);
            return this;
        }

        /**
         * NAT gateways for the tasks' outbound traffic to lakeFS, SQS and Secrets Manager; one per zone
         * survives the loss of a zone.
         *
         * @default 1
         */
        public Builder natGateways(int natGateways) {
            this.natGateways = natGateways;
            return this;
        }

        public ServiceNetworkProps build() {
            return new ServiceNetworkProps(this);
        }
    }
}
