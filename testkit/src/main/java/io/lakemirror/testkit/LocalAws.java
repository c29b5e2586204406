package io.lakemirror.testkit;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Credentials and SDK clients for the local AWS-compatible servers. Every client gets an explicit
 * HTTP client so that a second SDK HTTP implementation on a caller's classpath cannot make the SDK
 * refuse to choose.
 */
public final class LocalAws {
    /** Access key every local server accepts (none of them checks signatures). */
    public static final String ACCESS_KEY_ID = "lakemirror-local";
    /** Secret of {@link #ACCESS_KEY_ID}; not a secret anywhere. */
    public static final String SECRET_ACCESS_KEY = "lakemirror-local-secret";
    /** Region the SDK signs with when talking to the local servers. */
    public static final Region SIGNING_REGION = Region.US_EAST_1;

    private LocalAws() {
    }

    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder().build();
    }

    public static S3Client s3(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(SIGNING_REGION)
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                .httpClient(httpClient())
                .build();
    }

    public static SqsClient sqs(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(SIGNING_REGION)
                .credentialsProvider(credentials())
                .httpClient(httpClient())
                .build();
    }

    /** A plain DynamoDB client; see {@link DynoxideCompat#dynamoDb} for one whose stream ARNs KCL accepts. */
    public static DynamoDbClient dynamoDb(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(SIGNING_REGION)
                .credentialsProvider(credentials())
                .httpClient(httpClient())
                .build();
    }

    /** A plain streams client; see {@link DynoxideCompat#streams} for the one to give KCL. */
    public static DynamoDbStreamsClient dynamoDbStreams(URI endpoint) {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(SIGNING_REGION)
                .credentialsProvider(credentials())
                .httpClient(httpClient())
                .build();
    }
}
