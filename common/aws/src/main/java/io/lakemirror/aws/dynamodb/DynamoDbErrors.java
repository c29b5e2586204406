package io.lakemirror.aws.dynamodb;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Turns DynamoDB SDK failures into the domain exceptions, with the table and the call in the
 * message and what happens next at its end. What a later attempt may not meet is retryable:
 * throttling, 5xx, timeouts and network errors ({@link AwsClients#isTransient}), and DynamoDB's own
 * transient refusals (capacity, transaction conflicts). Everything else is not.
 */
public final class DynamoDbErrors {
    static final String RETRIED = "; the caller retries with backoff";
    static final String NOT_RETRIED = "; not retried, the same call would fail the same way";

    private static final Set<String> TRANSIENT_DYNAMODB_CODES = Set.of(
            "ProvisionedThroughputExceededException", "RequestLimitExceeded", "LimitExceededException",
            "TransactionConflictException", "TransactionInProgressException", "ReplicatedWriteConflictException");
    private static final Set<String> TRANSIENT_CANCELLATIONS = Set.of(
            "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded",
            "ReplicatedWriteConflict");
    private static final Set<String> AUTHENTICATION_CODES = Set.of(
            "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
            "ExpiredTokenException", "IncompleteSignature", "InvalidClientTokenId");

    private DynamoDbErrors() {
    }

    /**
     * The domain exception for a failed call.
     *
     * @param table the table the call acted on
     * @param call  the operation and what it acted on, for example {@code recordValidated(m1/main, sequence 3)}
     */
    public static ReplicationException translate(String table, String call, SdkException e) {
        String what = "DynamoDB table " + table + ": " + call + " failed: " + AwsClients.describe(e);
        if (e instanceof ConditionalCheckFailedException) {
            return new StaleWriteException(what + "; the item changed since it was read, not retried: re-read it and"
                    + " decide again", e);
        }
        if (e instanceof TransactionCanceledException cancelled) {
            boolean conflict = cancelled.hasCancellationReasons() && cancelled.cancellationReasons().stream()
                    .anyMatch(r -> r.code() != null && TRANSIENT_CANCELLATIONS.contains(r.code()));
            return conflict ? new RetryableException(what + RETRIED, e) : new NonRetryableException(what + NOT_RETRIED, e);
        }
        String code = e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                ? s.awsErrorDetails().errorCode() : "";
        if (AwsClients.isTransient(e) || TRANSIENT_DYNAMODB_CODES.contains(code)) {
            return new RetryableException(what + RETRIED, e);
        }
        if (e instanceof AbortedException) {
            return new RetryableException(what + " (the calling thread was interrupted)" + RETRIED, e);
        }
        if (e instanceof ResourceNotFoundException) {
            return new NotFoundException(what + "; check the table_name and aws_region settings, or restart to let"
                    + " startup create the table" + NOT_RETRIED, e);
        }
        if (AUTHENTICATION_CODES.contains(code)) {
            return new AuthenticationException(what + "; check the AWS credentials" + NOT_RETRIED, e);
        }
        if (code.equals("AccessDeniedException") || e instanceof AwsServiceException s && s.statusCode() == 403) {
            return new AuthorizationException(what + "; grant this process's role access to the table" + NOT_RETRIED, e);
        }
        return new NonRetryableException(what + NOT_RETRIED, e);
    }
}
