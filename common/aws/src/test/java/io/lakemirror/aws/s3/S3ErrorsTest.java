package io.lakemirror.aws.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {
    private static final String OBJECT = "s3://bucket-b/mirror/_lakefs/abc";

    private static SdkException s3(int status, String code) {
        return S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " message").build())
                .build();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("slow down", s3(503, "SlowDown"), RetryableException.class),
                Arguments.of("internal error", s3(500, "InternalError"), RetryableException.class),
                Arguments.of("request timeout", s3(400, "RequestTimeout"), RetryableException.class),
                Arguments.of("attempt timeout", ApiCallAttemptTimeoutException.create(35_000), RetryableException.class),
                Arguments.of("read timeout", SdkClientException.create("Unable to execute HTTP request",
                        new SocketTimeoutException("Read timed out")), RetryableException.class),
                Arguments.of("no such key", s3(404, "NoSuchKey"), NotFoundException.class),
                Arguments.of("no such bucket", s3(404, "NoSuchBucket"), NotFoundException.class),
                Arguments.of("access denied", s3(403, "AccessDenied"), AuthorizationException.class),
                Arguments.of("bad access key", s3(403, "InvalidAccessKeyId"), AuthenticationException.class),
                Arguments.of("wrong region", s3(301, "PermanentRedirect"), NonRetryableException.class),
                Arguments.of("bad request", s3(400, "InvalidArgument"), NonRetryableException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void translate_shouldChooseTheDomainException_namingTheObject(
            String name, SdkException failure, Class<? extends ReplicationException> expected) {
        ReplicationException translated = S3Errors.translate(failure, "HEAD", OBJECT, "its presence is unknown");

        assertThat(translated).isExactlyInstanceOf(expected).hasCause(failure);
        assertThat(translated.getMessage()).contains(OBJECT).contains("its presence is unknown");
    }
}
