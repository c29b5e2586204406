package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorldStartFailureIT {

    @Test
    void start_shouldStopEverythingAndRethrow_whenOnePartFails() {
        ProcessHygiene.Snapshot processes = ProcessHygiene.snapshot();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        assertThatThrownBy(() -> World.builder().withoutLakeFs().dynoxideBinary(Path.of("/bin/false")).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dynoxide");

        processes.assertNoNewProcesses(Duration.ofSeconds(5));
        await("threads of the servers that did start are gone").atMost(Duration.ofSeconds(60)).pollInSameThread()
                .until(() -> nonDaemonThreadsSince(threadsBefore), Set::isEmpty);
    }

    @Test
    void builder_shouldRejectARegionListedTwice() {
        assertThatThrownBy(() -> World.builder().regions("us-east-1", "us-east-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listed twice");
    }

    private static Set<String> nonDaemonThreadsSince(Set<Thread> before) {
        Set<String> names = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
                .map(Thread::getName)
                .collect(Collectors.toSet());
        assertThat(names).as("non-daemon threads are what keeps a JVM from exiting").isNotNull();
        return names;
    }
}
