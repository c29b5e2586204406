package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starting and stopping: a free port by default, and nothing left running after close. */
@ExtendWith(SharedS3Extension.class)
class LifecycleTest {

    private static Set<Thread> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vert.x-") || t.getName().startsWith("lakefs-testserver-"))
                .collect(Collectors.toSet());
    }

    /** Threads of this server only: other test classes of the JVM may still be closing their own. */
    private static Set<Thread> startedSince(Set<Thread> before) {
        Set<Thread> now = serverThreads();
        now.removeAll(before);
        return now;
    }

    @Test
    void close_shouldReleaseThePortAndStopEveryThreadItStarted(SharedS3 s3) {
        String bucket = "lifecycle-" + System.nanoTime();
        Set<Thread> before = serverThreads();
        LakeFsTestServer server = s3.server().ensureBucket(bucket).start();
        int port = server.port();
        assertThat(server.endpoint()).hasToString("http://127.0.0.1:" + port);
        assertThat(Raw.admin(server).get("/repositories").status()).isEqualTo(200);
        assertThat(startedSince(before)).isNotEmpty();
        assertThat(s3.client().headBucket(b -> b.bucket(bucket)).sdkHttpResponse().isSuccessful()).isTrue();

        server.close();

        await().alias("every Vert.x and worker thread of the server has ended").atMost(Duration.ofSeconds(60))
                .until(() -> startedSince(before).isEmpty());
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void start_shouldRefuse_withoutAnS3Endpoint() {
        assertThatThrownBy(() -> LakeFsTestServer.builder().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("s3Endpoint");
    }
}
