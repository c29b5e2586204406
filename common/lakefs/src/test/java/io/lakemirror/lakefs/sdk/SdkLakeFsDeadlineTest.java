package io.lakemirror.lakefs.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.DeadlineExceededException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.lakefs.Deadline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bounded view of the SDK adapter ends every call by its deadline, whatever the client's own
 * timeouts and retries, against a small HTTP server on port 0 that answers as a stalled or failing
 * lakeFS would.
 */
class SdkLakeFsDeadlineTest {
    private static final RepositoryId REPO = RepositoryId.of("mirror-repo");
    private static final BranchId MAIN = BranchId.of("main");
    private static final String HEAD = "a".repeat(64);
    /** Read timeout and retries far longer than any deadline below: only the deadline can end these calls. */
    private static final SdkLakeFs.Settings SLOW = SdkLakeFs.Settings.DEFAULTS.withReadTimeout(Duration.ofSeconds(60))
            .withMaxAttempts(10).withBackoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5));

    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Consumer<HttpExchange> answer;
    private HttpServer server;
    private ExecutorService serverThreads;
    private SdkLakeFs lakeFs;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            answer.accept(exchange);
        });
        server.start();
        lakeFs = SdkLakeFs.create(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "AKIA",
                new Secret("secret"), SLOW);
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        lakeFs.close();
        server.stop(0);
        serverThreads.shutdownNow();
        serverThreads.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static void respond(HttpExchange exchange, int status, String body) {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // The client hung up first (it abandoned the call): nothing left to answer.
        }
    }

    private void stall(HttpExchange exchange) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        respond(exchange, 200, branchJson());
    }

    private static String branchJson() {
        return "{\"id\":\"main\",\"commit_id\":\"" + HEAD + "\"}";
    }

    @Test
    void bounded_shouldAbandonTheCallAtItsDeadline_whenLakeFsStallsLongerThanTheReadTimeoutAllows() {
        answer = this::stall;
        Deadline deadline = Deadline.after(Duration.ofMillis(400), Clock.systemUTC());
        Instant start = Instant.now();

        assertThatThrownBy(() -> lakeFs.bounded(deadline).hardResetBranch(REPO, MAIN, CommitId.of(HEAD).asRef(), true))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("hardResetBranch")
                .hasMessageContaining("abandoned");

        assertThat(Duration.between(start, Instant.now())).as("abandoned long before lakeFS's 30 s stall ends")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(requests).hasValue(1);
    }

    @Test
    void bounded_shouldNotRetryPastTheDeadline_whenLakeFsKeepsFailing() {
        answer = exchange -> respond(exchange, 503, "{\"message\":\"slow down\"}");
        Deadline deadline = Deadline.after(Duration.ofMillis(700), Clock.systemUTC());

        assertThatThrownBy(() -> lakeFs.bounded(deadline).getBranch(REPO, MAIN))
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("HTTP 503");

        // Backoff 200 ms then 400 ms: a third retry (800 ms later) would end past the deadline; 10 attempts are allowed.
        assertThat(requests.get()).isBetween(1, 3);
    }

    @Test
    void bounded_shouldSendNothing_whenTheDeadlineHasPassed() {
        answer = exchange -> respond(exchange, 200, branchJson());
        Deadline passed = Deadline.at(Instant.now().minusMillis(1), Clock.systemUTC());

        assertThatThrownBy(() -> lakeFs.bounded(passed).createBranch(REPO, MAIN, CommitId.of(HEAD).asRef(), true))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("not started");

        assertThat(requests).hasValue(0);
    }

    @Test
    void bounded_shouldAnswerAsUsual_beforeTheDeadline_andKeepTheEarlierDeadlineOfNestedViews() {
        answer = exchange -> respond(exchange, 200, branchJson());
        Deadline later = Deadline.after(Duration.ofSeconds(30), Clock.systemUTC());
        Deadline passed = Deadline.at(Instant.now().minusMillis(1), Clock.systemUTC());

        assertThat(lakeFs.bounded(later).getBranch(REPO, MAIN).commitId()).isEqualTo(CommitId.of(HEAD));
        assertThatThrownBy(() -> lakeFs.bounded(passed).bounded(later).getBranch(REPO, MAIN))
                .isInstanceOf(DeadlineExceededException.class);
        assertThat(lakeFs.getBranch(REPO, MAIN).commitId()).isEqualTo(CommitId.of(HEAD));
        assertThat(requests).hasValue(2);
    }
}
