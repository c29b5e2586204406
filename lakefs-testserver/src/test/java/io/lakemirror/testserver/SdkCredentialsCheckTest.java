package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.sdk.SdkCredentialsCheck;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pooled check of API callers' keys (auth.mode lakefs_api) against the lakeFS test server. */
@ExtendWith(SharedS3Extension.class)
class SdkCredentialsCheckTest {
    private static LakeFsTestServer server;
    private static SdkCredentialsCheck check;

    @BeforeAll
    static void start(SharedS3 s3) {
        server = s3.server().start();
        server.addUser("carol", "AKIACAROL", "carol-secret");
        check = SdkCredentialsCheck.create(server.endpoint(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (check != null) {
            check.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void reset() {
        server.faults().reset();
    }

    @Test
    void userOf_shouldBeTheOwnerOfTheKeys_whenLakeFsAcceptsThem() {
        assertThat(check.userOf("AKIACAROL", new Secret("carol-secret"))).map(u -> u.id().value()).hasValue("carol");
        assertThat(check.userOf(server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey())))
                .map(u -> u.id().value()).hasValue(server.adminUserId());
    }

    @Test
    void userOf_shouldBeEmpty_whenTheSecretIsWrongOrTheKeyUnknown() {
        assertThat(check.userOf("AKIACAROL", new Secret("wrong"))).isEmpty();
        assertThat(check.userOf("AKIANOBODY", new Secret("whatever"))).isEmpty();
    }

    @Test
    void userOf_shouldFailRetryableWithinTheTimeout_whenLakeFsIsSlow() {
        server.faults().delay(1.0, Duration.ofSeconds(5));

        try (SdkCredentialsCheck impatient = SdkCredentialsCheck.create(server.endpoint(), Duration.ofMillis(500))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> impatient.userOf("AKIACAROL", new Secret("carol-secret")))
                    .isInstanceOf(RetryableException.class).hasMessageContaining("getCurrentUser");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("before lakeFS's 5 s delay ends")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void userOf_shouldReuseItsPooledConnections_acrossCallersAndCalls() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<User>>> answers = IntStream.range(0, 200)
                    .mapToObj(i -> callers.submit(() -> i % 2 == 0
                            ? check.userOf("AKIACAROL", new Secret("carol-secret"))
                            : check.userOf("AKIACAROL", new Secret("wrong"))))
                    .toList();
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get().isPresent()).isEqualTo(i % 2 == 0);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(check.pooledConnections()).as("one pool for all 200 checks, at most one connection per thread")
                .isBetween(1, 8);
    }
}
