package io.lakemirror.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class DynamoDbErrorsTest {

    private static AwsServiceException service(AwsServiceException.Builder builder, int status, String code) {
        return builder.statusCode(status).requestId("req-1")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("the " + code).build()).build();
    }

    private static TransactionCanceledException cancelled(String... codes) {
        return TransactionCanceledException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException").build())
                .cancellationReasons(Stream.of(codes).map(c -> CancellationReason.builder().code(c).build()).toList())
                .build();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("condition failed", service(ConditionalCheckFailedException.builder(), 400,
                        "ConditionalCheckFailedException"), StaleWriteException.class),
                Arguments.of("throughput exceeded", service(ProvisionedThroughputExceededException.builder(), 400,
                        "ProvisionedThroughputExceededException"), RetryableException.class),
                Arguments.of("throttled", service(DynamoDbException.builder(), 400, "ThrottlingException"), RetryableException.class),
                Arguments.of("internal error", service(DynamoDbException.builder(), 500, "InternalServerError"), RetryableException.class),
                Arguments.of("unavailable", service(DynamoDbException.builder(), 503, "ServiceUnavailable"), RetryableException.class),
                Arguments.of("transaction conflict", cancelled("None", "TransactionConflict"), RetryableException.class),
                Arguments.of("transaction validation", cancelled("ValidationError"), NonRetryableException.class),
                Arguments.of("timeout", ApiCallTimeoutException.create(1000), RetryableException.class),
                Arguments.of("connection refused", SdkClientException.create("Unable to execute HTTP request",
                        new IOException("Connection refused")), RetryableException.class),
                Arguments.of("no region", SdkClientException.create("Unable to load region"), NonRetryableException.class),
                Arguments.of("table missing", service(ResourceNotFoundException.builder(), 400, "ResourceNotFoundException"),
                        NotFoundException.class),
                Arguments.of("bad signature", service(DynamoDbException.builder(), 400, "UnrecognizedClientException"),
                        AuthenticationException.class),
                Arguments.of("access denied", service(DynamoDbException.builder(), 400, "AccessDeniedException"),
                        AuthorizationException.class),
                Arguments.of("item too large", service(DynamoDbException.builder(), 400, "ValidationException"),
                        NonRetryableException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void translate_shouldClassifyTheFailure_andNameTableAndCall(String name, SdkException failure,
                                                                Class<? extends ReplicationException> expected) {
        ReplicationException translated = DynamoDbErrors.translate("lakemirror", "getMirror(m1)", failure);

        assertThat(translated).isExactlyInstanceOf(expected).hasCause(failure);
        assertThat(translated.getMessage()).startsWith("DynamoDB table lakemirror: getMirror(m1) failed");
        assertThat(translated.getMessage()).containsAnyOf(DynamoDbErrors.RETRIED, "not retried");
        assertThat(translated.isRetryable()).isEqualTo(expected == RetryableException.class);
    }
}
