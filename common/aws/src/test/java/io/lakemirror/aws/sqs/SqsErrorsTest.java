package io.lakemirror.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SqsErrorsTest {
    private static final String WHERE = "queue lakemirror-commits.fifo in eu-west-1";

    private static SdkException service(int status, String code, String message) {
        return SqsException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("throttled", service(400, "ThrottlingException", "Rate exceeded"), RetryableException.class),
                Arguments.of("request throttled", service(403, "RequestThrottled", "slow down"), RetryableException.class),
                Arguments.of("500", service(500, "InternalError", "oops"), RetryableException.class),
                Arguments.of("503", service(503, "ServiceUnavailable", "later"), RetryableException.class),
                Arguments.of("call timeout", ApiCallTimeoutException.create(35_000), RetryableException.class),
                Arguments.of("socket timeout", SdkClientException.create("Unable to execute HTTP request",
                        new SocketTimeoutException("Read timed out")), RetryableException.class),
                Arguments.of("connection refused", SdkClientException.create("Unable to execute HTTP request",
                        new IOException("Connection refused")), RetryableException.class),
                Arguments.of("no credentials", SdkClientException.create("Unable to load credentials"),
                        NonRetryableException.class),
                Arguments.of("queue missing (modeled)", QueueDoesNotExistException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist").build()).build(),
                        NotFoundException.class),
                Arguments.of("queue missing (query code)", service(400, "AWS.SimpleQueueService.NonExistentQueue",
                        "The specified queue does not exist."), NotFoundException.class),
                Arguments.of("batch too long", service(400, "AWS.SimpleQueueService.BatchRequestTooLong",
                        "Batch requests cannot be longer than 262144 bytes"), InvalidInputException.class),
                Arguments.of("message too long", service(400, "InvalidParameterValue",
                        "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes."),
                        InvalidInputException.class),
                Arguments.of("bad token", service(403, "InvalidClientTokenId", "bad key"), AuthenticationException.class),
                Arguments.of("access denied", service(403, "AccessDenied", "no"), AuthorizationException.class),
                Arguments.of("other 400", service(400, "InvalidParameterValue", "Value x for parameter y is invalid"),
                        NonRetryableException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void translate_shouldChooseTheDomainException_withTheQueueAndWhatHappensNext(
            String name, SdkException failure, Class<? extends ReplicationException> expected) {
        ReplicationException translated = SqsErrors.translate(failure, "sending 3 message(s)", WHERE,
                "the messages were not sent");

        assertThat(translated).isExactlyInstanceOf(expected).hasCause(failure);
        assertThat(translated.getMessage()).contains(WHERE).contains("the messages were not sent");
    }
}
