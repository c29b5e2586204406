package io.lakemirror.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How failures become statuses and caller-facing messages, and what the scrubber removes. */
class ApiErrorsTest {
    private static final ApiErrors ERRORS = new ApiErrors(List.of("lakemirror-mirrors", "lakefs-b.internal"));
    /** What an adapter keeps as the cause: the backend client's own exception. */
    private static final RuntimeException CLIENT = new IllegalStateException("client exception");

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("the caller's request is bad", new InvalidInputException("invalid repository id \"Bad_Name\""),
                        400, "invalid repository id \"Bad_Name\""),
                Arguments.of("lakeFS refuses a value", new InvalidInputException("lakeFS http://lakefs-b.internal:8000"
                        + " getRepository(repository x) failed with HTTP 400: invalid value; not retried, the same call"
                        + " would fail the same way", CLIENT), 400, "lakeFS: invalid value"),
                Arguments.of("the source repository is missing in lakeFS", new NotFoundException("lakeFS"
                        + " http://10.0.3.7:8000 getRepository(repository source-repo) failed with HTTP 404: repository not"
                        + " found; not retried, the same call would fail the same way", CLIENT), 404, "lakeFS: repository not found"),
                Arguments.of("the mirror is unknown", new NotFoundException("mirror not found: no mirror m1 of repository r"),
                        404, "mirror not found: no mirror m1 of repository r"),
                Arguments.of("the mirrors table is missing", new NotFoundException("DynamoDB table lakemirror-mirrors:"
                        + " getMirror(m1) failed: ResourceNotFoundException (HTTP 400, request 8J2K3L4M5N6P): Requested"
                        + " resource not found; check the table_name", CLIENT), 503, ApiErrors.BACKEND_MISSING),
                Arguments.of("AWS refuses the service's credentials", new AuthenticationException("DynamoDB table"
                        + " lakemirror-mirrors: listMirrors failed: UnrecognizedClientException (HTTP 400, request"
                        + " 7QWERTYUIOP): The security token included in the request is invalid; check the AWS credentials",
                        CLIENT), 503, ApiErrors.BACKEND_CREDENTIALS),
                Arguments.of("lakeFS refuses the replication user's keys", new AuthenticationException("lakeFS"
                        + " http://lakefs-b.internal:8000 getRepository(repository r) failed with HTTP 401: error"
                        + " authenticating request; check the access key id and secret", CLIENT), 503, ApiErrors.BACKEND_CREDENTIALS),
                Arguments.of("the caller lacks a permission", new AuthorizationException("insufficient permissions:"
                        + " not allowed to fs:CreateRepository on arn:lakefs:fs:::repository/m"), 403,
                        "insufficient permissions: not allowed to fs:CreateRepository on arn:lakefs:fs:::repository/m"),
                Arguments.of("the service's role lacks a permission", new AuthorizationException("DynamoDB table"
                        + " lakemirror-mirrors: putItem failed: AccessDeniedException (HTTP 400, request ABCDEF123456):"
                        + " User: arn:aws:sts::123456789012:assumed-role/lakemirror-task/abc is not authorized", CLIENT),
                        503, ApiErrors.BACKEND_PERMISSIONS),
                Arguments.of("the name is taken", new AlreadyExistsException("mirror name m is taken in region eu-west-1"
                        + " by mirror m0"), 409, "mirror name m is taken in region eu-west-1 by mirror m0"),
                Arguments.of("DynamoDB's condition failed", new StaleWriteException("DynamoDB table lakemirror-mirrors:"
                        + " createMirror failed: ConditionalCheckFailedException", CLIENT), 409, ApiErrors.CONFLICT),
                Arguments.of("lakeFS is slow", new RetryableException("lakeFS http://lakefs-b.internal:8000"
                        + " getRepository(repository r) failed: timed out (SocketTimeoutException: Read timed out); gave up"
                        + " after 3 attempt(s)", CLIENT), 503, ApiErrors.BACKEND_UNAVAILABLE),
                Arguments.of("DynamoDB throttles", new RetryableException("DynamoDB table lakemirror-mirrors: listMirrors"
                        + " failed: ThrottlingException (HTTP 400, request 1234567890AB)", CLIENT), 503, ApiErrors.BACKEND_UNAVAILABLE),
                Arguments.of("lakeFS sends something unreadable", new CorruptDataException("lakeFS"
                        + " http://lakefs-b.internal:8000 getRepository(r) answered with a response the lakeFS SDK cannot read",
                        CLIENT), 500, ApiErrors.INTERNAL),
                Arguments.of("a DynamoDB validation error", new InvalidInputException("DynamoDB table lakemirror-mirrors:"
                        + " putItem failed: ValidationException", CLIENT), 500, ApiErrors.INTERNAL),
                Arguments.of("a bug", new NullPointerException("at io.lakemirror.api.MirrorService"), 500, ApiErrors.INTERNAL),
                Arguments.of("an unknown permanent failure", new NonRetryableException("PostgreSQL lakemirror.mirrors at"
                        + " db.internal:5432 failed", CLIENT), 500, ApiErrors.INTERNAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void answer_shouldGiveTheStatusAndACallerFacingMessage(String why, Throwable failure, int status, String message) {
        ApiErrors.Answer answer = ERRORS.answer(failure, 500);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(ERRORS.scrub(answer.message())).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void answer_shouldNeverNameAUrlTableArnOrRequestId(String why, Throwable failure, int status, String message) {
        String sent = ERRORS.scrub(ERRORS.answer(failure, 500).message());

        assertThat(sent).doesNotContain("http://", "https://", "lakemirror-mirrors", "lakefs-b.internal", "arn:aws",
                "request 8J2K", "request 7QWE", "ABCDEF123456", "10.0.3.7", "db.internal");
    }

    static Stream<Arguments> scrubbed() {
        return Stream.of(
                Arguments.of("see https://sqs.us-east-1.amazonaws.com/123456789012/lakemirror-commits.fifo now",
                        "see <internal URL> now"),
                Arguments.of("role arn:aws:iam::123456789012:role/lakemirror-task denied", "role <AWS ARN> denied"),
                Arguments.of("failed (HTTP 400, request 7QWERTYUIOP): denied", "failed (HTTP 400): denied"),
                Arguments.of("Status Code: 400, Request ID: 5VQ3E2UUBA9S7I4S7JH7D6EB4BVV4KQNSO5AEMVJF66Q9ASUAAJG",
                        "Status Code: 400, <request ID>"),
                Arguments.of("x-amz-request-id: 4442587FB7D0A2F9", "<request ID>"),
                Arguments.of("table lakemirror-mirrors is gone", "table <internal name> is gone"),
                Arguments.of("lakemirror-mirrors-2 is another table", "lakemirror-mirrors-2 is another table"),
                Arguments.of("storage namespace s3://bucket-eu/elsewhere must have the key prefix \"repos/\"",
                        "storage namespace s3://bucket-eu/elsewhere must have the key prefix \"repos/\""),
                Arguments.of("not allowed on arn:lakefs:fs:::repository/m", "not allowed on arn:lakefs:fs:::repository/m"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scrubbed")
    void scrub_shouldRemoveInternalDetails_andKeepTheCallersOwnInput(String message, String expected) {
        assertThat(ERRORS.scrub(message)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "status {0} without a failure")
    @MethodSource("bareStatuses")
    void answer_shouldExplainABareStatus(int status, String message) {
        assertThat(ERRORS.answer(null, status).message()).isEqualTo(message);
    }

    static Stream<Arguments> bareStatuses() {
        return Stream.of(Arguments.of(503, ApiErrors.TIMED_OUT), Arguments.of(404, "invalid API endpoint"),
                Arguments.of(413, "request body too large"), Arguments.of(200, ApiErrors.INTERNAL));
    }
}
