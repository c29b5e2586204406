package io.lakemirror.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.constructs.Construct;

/**
 * An application load balancer in front of the API tasks, probing the service's unauthenticated
 * health check. HTTPS when given a certificate, else HTTP; internal unless asked otherwise.
 */
public final class ApiLoadBalancer extends Construct {
    private static final int HTTP_PORT = 80;
    private static final int HTTPS_PORT = 443;

    private final ApplicationLoadBalancer loadBalancer;
    private final ApplicationTargetGroup targetGroup;
    private final String url;

    public ApiLoadBalancer(Construct scope, String id, ApiLoadBalancerProps props) {
        super(scope, id);
        getNode().addValidation(() -> validate(props));
        boolean https = props.getCertificateArn().isPresent();
        int listenerPort = https ? HTTPS_PORT : HTTP_PORT;
        this.loadBalancer = ApplicationLoadBalancer.Builder.create(this, "LoadBalancer")
                .vpc(props.getVpc())
                .internetFacing(props.isInternetFacing())
                .dropInvalidHeaderFields(true)
                .build();
        BaseApplicationListenerProps.Builder listenerProps = BaseApplicationListenerProps.builder()
                .port(listenerPort)
                .protocol(https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP)
                .open(props.isInternetFacing());
        props.getCertificateArn().ifPresent(arn ->
                listenerProps.certificates(List.of(ListenerCertificate.fromArn(arn))));
        ApplicationListener listener = loadBalancer.addListener("Listener", listenerProps.build());
        if (!props.isInternetFacing()) {
            loadBalancer.getConnections().allowFrom(Peer.ipv4(props.getVpc().getVpcCidrBlock()),
                    Port.tcp(listenerPort), "API clients inside the VPC");
        }
        WorkerService api = props.getApi();
        this.targetGroup = listener.addTargets("Api", AddApplicationTargetsProps.builder()
                .port(props.getContainerPort())
                .protocol(ApplicationProtocol.HTTP)
                .targets(List.of(api.getService().loadBalancerTarget(LoadBalancerTargetOptions.builder()
                        .containerName(api.getContainer().getContainerName())
                        .containerPort(props.getContainerPort())
                        .build())))
                .healthCheck(HealthCheck.builder()
                        .path(props.getHealthCheckPath())
                        .healthyHttpCodes(props.getHealthyHttpCodes())
                        .interval(Duration.seconds(15))
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(3)
                        .build())
                .deregistrationDelay(Duration.seconds(30))
                .build());
        this.url = (https ? "https://" : "http://") + loadBalancer.getLoadBalancerDnsName();
    }

    private static List<String> validate(ApiLoadBalancerProps props) {
        List<String> problems = new ArrayList<>();
        if (!props.getHealthCheckPath().startsWith("/")) {
            problems.add("healthCheckPath \"" + props.getHealthCheckPath() + "\" must start with /");
        }
        if (props.isInternetFacing() && props.getCertificateArn().isEmpty()) {
            problems.add("an internet-facing API load balancer needs a certificate (certificateArn; in the topology,"
                    + " the region's api_certificate_arn): callers send lakeFS keys with every request, which must"
                    + " not cross the internet over plain HTTP");
        }
        if (props.getContainerPort() < 1 || props.getContainerPort() > 65535) {
            problems.add("containerPort " + props.getContainerPort() + " is not a TCP port (1 to 65535);"
                    + " the load balancer cannot reach port 0");
        }
        return problems;
    }

    public ApplicationLoadBalancer getLoadBalancer() {
        return loadBalancer;
    }

    public ApplicationTargetGroup getTargetGroup() {
        return targetGroup;
    }

    /** Base URL of the API, e.g. for a stack output. */
    public String getUrl() {
        return url;
    }
}
