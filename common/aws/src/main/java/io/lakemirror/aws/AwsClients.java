package io.lakemirror.aws;

import io.lakemirror.config.ReplicationConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What every AWS client of the service shares: credentials (static when {@code aws.*} is set,
 * otherwise the default chain), the Apache HTTP client with bounded timeouts, and the mapping from
 * a deployment {@link io.lakemirror.domain.Region} to an SDK region. Each client built with
 * {@link #httpClient} owns its connection pool and closes it with itself.
 */
public final class AwsClients {
    /** Time to open a TCP connection. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Longest silence on an open connection; above SQS's 20 s long poll so a waiting receive is not cut. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /** Time to wait for a pooled connection when all are busy. */
    public static final Duration CONNECTION_ACQUISITION_TIMEOUT = Duration.ofSeconds(10);
    /** One attempt of one call, long poll included. */
    public static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(35);
    /** One call, retries included. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofMinutes(2);
    /** Connections per client; enough for the validator's workers and a sensor's batches. */
    public static final int MAX_CONNECTIONS = 64;

    /** Error codes that mean "slow down" or "try again" whatever their HTTP status. */
    private static final Set<String> TRANSIENT_CODES = Set.of("Throttling", "ThrottlingException",
            "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
            "SlowDown", "RequestLimitExceeded", "RequestTimeout", "RequestTimeoutException",
            "KmsThrottled", "KMS.ThrottlingException", "InternalError", "InternalFailure", "ServiceUnavailable");

    private AwsClients() {
    }

    /** Static credentials when {@code aws.access_key_id} is configured, else the default AWS chain. */
    public static AwsCredentialsProvider credentials(ReplicationConfig config) {
        return credentials(config.awsCredentials());
    }

    static AwsCredentialsProvider credentials(Optional<ReplicationConfig.AwsCredentials> configured) {
        return configured
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey().reveal())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    /**
     * A builder for the client's own Apache HttpClient 5 (the SDK closes it with the client): the
     * SDK's default sync client, so every synchronous AWS call of the process goes through one stack.
     */
    public static Apache5HttpClient.Builder httpClient() {
        return Apache5HttpClient.builder()
                .connectionTimeout(CONNECTION_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .connectionAcquisitionTimeout(CONNECTION_ACQUISITION_TIMEOUT)
                .maxConnections(MAX_CONNECTIONS)
                .tcpKeepAlive(true);
    }

    /** Call timeouts; the SDK's standard retry strategy (throttling and 5xx, with backoff) stays on. */
    public static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                .apiCallTimeout(API_CALL_TIMEOUT)
                .build();
    }

    /**
     * Whether a failure of an SDK call may go away when the call is repeated later: throttling, a
     * 5xx, a timeout, or a network error. Anything else (4xx, bad configuration) repeats itself.
     */
    public static boolean isTransient(SdkException failure) {
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return service.statusCode() >= 500 || service.statusCode() == 429 || service.isThrottlingException()
                    || (code != null && TRANSIENT_CODES.contains(code));
        }
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        if (failure instanceof SdkClientException) {
            // Network failures arrive as a client exception wrapping an IOException; a missing
            // credential or a bad endpoint does not, and retrying those would only hide them.
            for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }

    /** "code (HTTP status, request ID)" of a service error, or the client error's message, for log and exception messages. */
    public static String describe(SdkException failure) {
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
            return (code == null ? "error" : code) + " (HTTP " + service.statusCode()
                    + (service.requestId() == null ? "" : ", request " + service.requestId()) + ")"
                    + (message == null || message.isBlank() ? "" : ": " + message);
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? String.valueOf(failure.getMessage())
                : failure.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    /** The SDK region of a deployment region; deployment regions are named after AWS regions. */
    public static Region awsRegion(io.lakemirror.domain.Region region) {
        return Region.of(region.value());
    }
}
