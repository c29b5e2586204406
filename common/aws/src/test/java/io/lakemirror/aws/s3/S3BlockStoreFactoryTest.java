package io.lakemirror.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.config.ConfigLoader;
import io.lakemirror.config.ReplicationConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3BlockStoreFactoryTest {

    private static ReplicationConfig config(Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "region", "eu-west-1",
                "organization_id", "acme",
                "regional_endpoint", "http://lakefs-b.example.com:8000",
                "lakefs.access_key_id", "AKIAREPLICATION",
                "lakefs.secret_access_key", "s3cr3t",
                "mirrors_database.type", "dynamodb",
                "mirrors_database.dynamodb.table_name", "lakemirror",
                "blockstore.type", "s3",
                "auth.encrypt.secret_key", "s3cr3t-encrypt",
                "dst_endpoints", Map.of("us-east-1", "http://lakefs-a.example.com:8000")));
        values.putAll(extra);
        return ConfigLoader.fromMap(values);
    }

    @Test
    void clientBuilder_shouldUseStaticCredentialsAndTheEndpoint_whenConfigured() {
        ReplicationConfig config = config(Map.of("blockstore.s3.endpoint", "http://127.0.0.1:9090",
                "blockstore.s3.force_path_style", true, "blockstore.s3.region", "us-east-1",
                "aws.access_key_id", "local-key", "aws.secret_access_key", "local-secret"));

        try (S3Client client = S3BlockStore.clientBuilder(config).build()) {
            var configuration = client.serviceClientConfiguration();
            assertThat(configuration.region()).isEqualTo(Region.US_EAST_1);
            assertThat(configuration.endpointOverride()).contains(URI.create("http://127.0.0.1:9090"));
            assertThat(configuration.credentialsProvider()).isInstanceOf(StaticCredentialsProvider.class);
            var identity = configuration.credentialsProvider().resolveIdentity().join();
            assertThat(identity.accessKeyId()).isEqualTo("local-key");
            assertThat(identity.secretAccessKey()).isEqualTo("local-secret");
        }
    }

    @Test
    void clientBuilder_shouldUseTheDefaultChainAndTheProcessRegion_whenNothingIsConfigured() {
        try (S3Client client = S3BlockStore.clientBuilder(config(Map.of())).build()) {
            var configuration = client.serviceClientConfiguration();
            assertThat(configuration.region()).isEqualTo(Region.EU_WEST_1);
            assertThat(configuration.endpointOverride()).isEmpty();
            assertThat(configuration.credentialsProvider()).isInstanceOf(DefaultCredentialsProvider.class);
        }
    }
}
