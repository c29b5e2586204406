package io.lakemirror.infra.constructs;

import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.services.ec2.IVpc;

/** Properties of {@link ApiLoadBalancer}. */
public final class ApiLoadBalancerProps {
    private final IVpc vpc;
    private final WorkerService api;
    private final int containerPort;
    private final boolean internetFacing;
    private final String certificateArn;
    private final String healthCheckPath;
    private final String healthyHttpCodes;

    private ApiLoadBalancerProps(Builder builder) {
        this.vpc = Objects.requireNonNull(builder.vpc, "vpc is required");
        this.api = Objects.requireNonNull(builder.api, "api is required");
        this.containerPort = Objects.requireNonNull(builder.containerPort, "containerPort is required");
        this.internetFacing = builder.internetFacing;
        this.certificateArn = builder.certificateArn;
        this.healthCheckPath = builder.healthCheckPath;
        this.healthyHttpCodes = builder.healthyHttpCodes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public IVpc getVpc() {
        return vpc;
    }

    public WorkerService getApi() {
        return api;
    }

    public int getContainerPort() {
        return containerPort;
    }

    public boolean isInternetFacing() {
        return internetFacing;
    }

    public Optional<String> getCertificateArn() {
        return Optional.ofNullable(certificateArn);
    }

    public String getHealthCheckPath() {
        return healthCheckPath;
    }

    public String getHealthyHttpCodes() {
        return healthyHttpCodes;
    }

    /** Builds {@link ApiLoadBalancerProps}. */
    public static final class Builder {
        private IVpc vpc;
        private WorkerService api;
        private Integer containerPort;
        private boolean internetFacing;
        private String certificateArn;
        private String healthCheckPath = "/healthcheck";
        private String healthyHttpCodes = "204";

        private Builder() {
        }

        /** The VPC of the API tasks. Required. */
        public Builder vpc(IVpc vpc) {
            this.vpc = Objects.requireNonNull(vpc, "vpc");
            return this;
        }

        /** The API worker service. Required. */
        public Builder api(WorkerService api) {
            this.api = Objects.requireNonNull(api, "api");
            return this;
        }

        /** The port the API container listens on (the port of {@code listen_address}). Required. */
        public Builder containerPort(int containerPort) {
            this.containerPort = containerPort;
            return this;
        }

        /**
         * Whether the load balancer has a public address. An internal one admits clients from the VPC's
         * address range only.
         *
         * @default false
         */
        public Builder internetFacing(boolean internetFacing) {
            this.internetFacing = internetFacing;
            return this;
        }

        /**
         * ACM certificate for an HTTPS listener on 443.
         *
         * @default none: plain HTTP on port 80
         */
        public Builder certificateArn(String certificateArn) {
            this.certificateArn = Objects.requireNonNull(certificateArn, "certificateArn");
            return this;
        }

        /**
         * Path the target group probes; the service answers it without authentication.
         *
         * @default {@code /healthcheck}
         */
        public Builder healthCheckPath(String healthCheckPath) {
            this.healthCheckPath = Objects.requireNonNull(healthCheckPath, "healthCheckPath");
            return this;
        }

        /**
         * HTTP codes of a healthy answer.
         *
         * @default {@code 204}, what the service's health check returns
         */
        public Builder healthyHttpCodes(String healthyHttpCodes) {
            this.healthyHttpCodes = Objects.requireNonNull(healthyHttpCodes, "healthyHttpCodes");
            return this;
        }

        public ApiLoadBalancerProps build() {
            return new ApiLoadBalancerProps(this);
        }
    }
}
