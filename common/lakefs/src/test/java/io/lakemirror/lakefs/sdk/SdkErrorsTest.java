package io.lakemirror.lakefs.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakefs.clients.sdk.ApiException;
import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SdkErrorsTest {
    private static final String CALL = "createBranch(repository r, branch b at main)";

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of(400, "commit id: invalid value: validation error", InvalidInputException.class),
                Arguments.of(401, "error authenticating request", AuthenticationException.class),
                Arguments.of(401, "insufficient permissions: not allowed to fs:CreateBranch", AuthorizationException.class),
                Arguments.of(403, "read-only repository", ReadOnlyRepositoryException.class),
                Arguments.of(403, "cannot delete repository default branch", AuthorizationException.class),
                Arguments.of(404, "branch not found", NotFoundException.class),
                Arguments.of(409, "branch already exists: not unique", AlreadyExistsException.class),
                Arguments.of(410, "repository in deletion", NotFoundException.class),
                Arguments.of(412, "precondition failed", StaleWriteException.class),
                Arguments.of(418, "teapot", NonRetryableException.class),
                Arguments.of(429, "Too many attempts, try again later", RetryableException.class),
                Arguments.of(500, "branch is currently locked, try again later", RetryableException.class),
                Arguments.of(501, "Not Implemented", NotImplementedException.class),
                Arguments.of(503, "slow down", RetryableException.class));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("statuses")
    void translate_shouldMapStatusToDomainException_keepingLakeFsMessage(int status, String message,
                                                                         Class<? extends ReplicationException> type) {
        ApiException e = new ApiException(status, Map.of(), "{\"message\":\"" + message + "\"}");

        ReplicationException translated = SdkErrors.translate("http://lakefs:8000", CALL, e);

        assertThat(translated).isExactlyInstanceOf(type)
                .hasMessageContaining("lakeFS http://lakefs:8000 " + CALL)
                .hasMessageContaining("HTTP " + status)
                .hasMessageContaining(message)
                .hasCause(e);
        if (!translated.isRetryable()) {
            assertThat(translated).hasMessageEndingWith("not retried, the same call would fail the same way");
        }
    }

    @Test
    void translate_shouldBeRetryable_whenTheCallTimedOut() {
        ApiException e = new ApiException(new SocketTimeoutException("timeout"));

        ReplicationException translated = SdkErrors.translate("http://lakefs:8000", CALL, e);

        assertThat(translated).isInstanceOf(RetryableException.class).hasMessageContaining("timed out");
    }

    @Test
    void translate_shouldShowTheRawBody_whenTheAnswerIsNotLakeFsJson() {
        ApiException e = new ApiException(502, Map.of(), "<html>Bad Gateway</html>");

        ReplicationException translated = SdkErrors.translate("http://lakefs:8000", CALL, e);

        assertThat(translated).isInstanceOf(RetryableException.class).hasMessageContaining("<html>Bad Gateway</html>");
    }
}
