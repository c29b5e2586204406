package io.lakemirror.infra;

import static io.lakemirror.infra.ExampleDeployment.bucket;
import static io.lakemirror.infra.ExampleDeployment.other;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.Region;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

/**
 * The namespace buckets of the example deployment: analytics replicates from us-east-1 to eu-west-1,
 * training-data from eu-west-1 to us-east-1.
 */
class NamespaceBucketsTest {
    private final ExampleDeployment deployment = ExampleDeployment.get();

    /** Region, the prefix its bucket replicates out, the prefix it receives from the other region. */
    static Stream<Arguments> regions() {
        return Stream.of(
                Arguments.of("us-east-1", "repos/analytics/", "repos/training-data/"),
                Arguments.of("eu-west-1", "repos/training-data/", "repos/analytics/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void bucket_shouldBeVersionedEncryptedPrivateAndRetained_inEveryRegion(String name) {
        Region region = Region.of(name);
        deployment.template(region).hasResource("AWS::S3::Bucket", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "BucketName", bucket(region),
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(
                                Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration", Map.of(
                                "BlockPublicAcls", true, "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true, "RestrictPublicBuckets", true)))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void bucketPolicy_shouldDenyRequestsWithoutTls_inEveryRegion(String name) {
        deployment.template(Region.of(name)).hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    @ParameterizedTest
    @MethodSource("regions")
    void replication_shouldCopyOutboundPrefixToOtherRegionsBucket_withTimeControlAndDeleteMarkers(
            String name, String outbound, String inbound) {
        Region region = Region.of(name);
        TemplateJson json = deployment.json(region);
        Map<String, Object> properties = TemplateJson.properties(json.resources("AWS::S3::Bucket").values()
                .iterator().next());
        @SuppressWarnings("unchecked")
        Map<String, Object> replication = (Map<String, Object>) properties.get("ReplicationConfiguration");
        String roleId = json.resources("AWS::IAM::Role").entrySet().stream()
                .filter(e -> String.valueOf(TemplateJson.properties(e.getValue()).get("Description"))
                        .startsWith("S3 replication"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();

        assertThat(TemplateJson.render(replication.get("Role"))).isEqualTo("${" + roleId + ".Arn}");
        assertThat(TemplateJson.list(replication.get("Rules"))).singleElement().satisfies(rule -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) rule;
            assertThat(r).containsEntry("Status", "Enabled")
                    .containsEntry("Priority", 1)
                    .containsEntry("Filter", Map.of("Prefix", outbound))
                    .containsEntry("DeleteMarkerReplication", Map.of("Status", "Enabled"));
            @SuppressWarnings("unchecked")
            Map<String, Object> destination = (Map<String, Object>) r.get("Destination");
            assertThat(TemplateJson.render(destination.get("Bucket")))
                    .isEqualTo("arn:${AWS::Partition}:s3:::" + bucket(other(region)));
            assertThat(destination)
                    .containsEntry("ReplicationTime", Map.of("Status", "Enabled", "Time", Map.of("Minutes", 15)))
                    .containsEntry("Metrics", Map.of("Status", "Enabled", "EventThreshold", Map.of("Minutes", 15)));
        });
    }

    @ParameterizedTest
    @MethodSource("regions")
    void replicationRole_shouldReachOnlyTheReplicatedPrefixes(String name, String outbound, String inbound) {
        Region region = Region.of(name);
        TemplateJson json = deployment.json(region);
        String roleId = json.resources("AWS::IAM::Role").entrySet().stream()
                .filter(e -> String.valueOf(TemplateJson.properties(e.getValue()).get("Description"))
                        .startsWith("S3 replication"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        String source = "arn:${AWS::Partition}:s3:::" + bucket(region);
        String destination = "arn:${AWS::Partition}:s3:::" + bucket(other(region));

        assertThat(TemplateJson.permissions(json.statementsOf(roleId))).containsExactlyInAnyOrder(
                "s3:GetReplicationConfiguration on " + source,
                "s3:ListBucket on " + source,
                "s3:GetObjectVersionForReplication on " + source + "/" + outbound + "*",
                "s3:GetObjectVersionAcl on " + source + "/" + outbound + "*",
                "s3:GetObjectVersionTagging on " + source + "/" + outbound + "*",
                "s3:ReplicateObject on " + destination + "/" + outbound + "*",
                "s3:ReplicateDelete on " + destination + "/" + outbound + "*",
                "s3:ReplicateTags on " + destination + "/" + outbound + "*");
    }

    @ParameterizedTest
    @MethodSource("regions")
    void lifecycle_shouldExpireReplicatedDeletes_onlyInTheInboundMirrorPrefix(
            String name, String outbound, String inbound) {
        deployment.template(Region.of(name)).hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LifecycleConfiguration", Map.of("Rules", List.of(Map.of(
                        "Id", "expire-replicated-deletes-1",
                        "Prefix", inbound,
                        "Status", "Enabled",
                        "ExpiredObjectDeleteMarker", true,
                        "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 7))))));
    }
}
