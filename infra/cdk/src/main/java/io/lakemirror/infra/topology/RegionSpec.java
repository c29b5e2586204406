package io.lakemirror.infra.topology;

import io.lakemirror.domain.Region;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One region of the deployment: its lakeFS installation and the bucket of its storage namespaces.
 *
 * @param name               the AWS region
 * @param bucket             the bucket holding this region's lakeFS storage namespaces (and mirror namespaces)
 * @param lakefsEndpoint     this region's lakeFS server, without {@code /api/v1}
 * @param availabilityZones  zones for the VPC; empty to let the deployment pick two
 * @param apiCertificateArn  ACM certificate for an HTTPS API listener, if any
 */
public record RegionSpec(Region name, String bucket, URI lakefsEndpoint, List<String> availabilityZones,
                         Optional<String> apiCertificateArn) {
    public RegionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(lakefsEndpoint, "lakefsEndpoint");
        availabilityZones = List.copyOf(availabilityZones);
        Objects.requireNonNull(apiCertificateArn, "apiCertificateArn");
    }
}
