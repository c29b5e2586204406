package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.ICluster;
import software.constructs.Construct;

/**
 * Where the workers run: a VPC with public subnets (load balancer, NAT) and private subnets (tasks),
 * gateway endpoints so bucket and table traffic stays off the NAT, and an ECS cluster with Container
 * Insights.
 */
public final class ServiceNetwork extends Construct {
    private static final int DEFAULT_ZONES = 2;

    private final Vpc vpc;
    private final Cluster cluster;

    public ServiceNetwork(Construct scope, String id, ServiceNetworkProps props) {
        super(scope, id);
        getNode().addValidation(() -> validate(props));
        // Ordered maps throughout: Map.of iterates in a different order on every JVM, and so would the template.
        Map<String, GatewayVpcEndpointOptions> endpoints = new LinkedHashMap<>();
        endpoints.put("S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build());
        endpoints.put("DynamoDB", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.DYNAMODB)
                .build());
        Vpc.Builder vpcBuilder = Vpc.Builder.create(this, "Vpc")
                .natGateways(props.getNatGateways())
                .gatewayEndpoints(endpoints);
        if (props.getAvailabilityZones().isEmpty()) {
            vpcBuilder.maxAzs(DEFAULT_ZONES);
        } else {
            vpcBuilder.availabilityZones(props.getAvailabilityZones());
        }
        this.vpc = vpcBuilder.build();
        this.cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(vpc)
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
    }

    private static List<String> validate(ServiceNetworkProps props) {
        List<String> problems = new ArrayList<>();
        int zones = props.getAvailabilityZones().isEmpty() ? DEFAULT_ZONES : props.getAvailabilityZones().size();
        if (props.getNatGateways() < 1 || props.getNatGateways() > zones) {
            problems.add("natGateways " + props.getNatGateways() + " must be between 1 (tasks need outbound"
                    + " access to lakeFS and AWS APIs) and the number of zones, " + zones);
        }
        return problems;
    }

    public IVpc getVpc() {
        return vpc;
    }

    public ICluster getCluster() {
        return cluster;
    }
}
