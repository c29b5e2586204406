package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Injected failures and delays, and the SDK adapter's retries against them. */
@ExtendWith(SharedS3Extension.class)
class FaultsTest {
    private static LakeFsTestServer server;
    private static SdkLakeFs lakeFs;
    private static String bucket;

    @BeforeAll
    static void start(SharedS3 s3) {
        bucket = s3.newBucket();
        server = s3.server().start();
        lakeFs = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey()),
                SdkLakeFs.Settings.DEFAULTS.withBackoff(Duration.ofMillis(5), 2.0, Duration.ofMillis(50)));
    }

    @AfterAll
    static void stop() {
        if (lakeFs != null) {
            lakeFs.close();
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
    void retries_shouldHideTransientFailures_whenFewerThanTheAttempts() {
        server.faults().failNext(2, 500);
        long before = server.faults().injectedFailures();

        assertThat(lakeFs.listRepositories(PageRequest.first(1)).results()).isNotNull();
        assertThat(server.faults().injectedFailures() - before).isEqualTo(2);
    }

    @Test
    void retries_shouldGiveUpWithRetryable_afterTheLastAttempt() {
        server.faults().failNext(3, 429);

        assertThatThrownBy(() -> lakeFs.listRepositories(PageRequest.first(1)))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("Too many attempts, try again later")
                .hasMessageContaining("gave up after 3 attempt(s)");
    }

    @Test
    void failFraction_shouldFailAboutThatShare_reproduciblyWithASeed() {
        server.faults().seed(42).failFraction(0.2, 503);
        long before = server.faults().injectedFailures();

        IntStream.range(0, 30).forEach(i -> lakeFs.createRepository(RepositoryCreation.of(
                RepositoryId.of("faulty-" + i), StorageNamespace.of("s3://" + bucket + "/faulty/" + i)).withBare(true)));

        long injected = server.faults().injectedFailures() - before;
        assertThat(injected).isBetween(1L, 20L);
        assertThat(lakeFs.listRepositories(PageRequest.first(100).withPrefix("faulty-")).results()).hasSize(30);
    }

    @Test
    void delay_shouldTurnIntoARetryableTimeout_whenLongerThanTheReadTimeout() {
        server.faults().delay(1.0, Duration.ofSeconds(2));
        try (SdkLakeFs impatient = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(),
                new Secret(server.adminSecretAccessKey()),
                SdkLakeFs.Settings.DEFAULTS.withReadTimeout(Duration.ofMillis(200)).withMaxAttempts(1))) {
            assertThatThrownBy(() -> impatient.listRepositories(PageRequest.first(1)))
                    .isInstanceOf(RetryableException.class)
                    .hasMessageContaining("timed out");
        }
        assertThat(server.faults().injectedDelays()).isPositive();
    }
}
