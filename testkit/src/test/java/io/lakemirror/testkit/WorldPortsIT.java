package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.Region;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A world on ports chosen by its owner (the sandbox's fixed ports), and per-region configuration. */
class WorldPortsIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";

    /** Ports free now; the sockets are closed before the world binds them. */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                sockets.add(socket);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void start_shouldListenOnTheGivenPorts_andSetKeysPerRegion() throws IOException {
        ProcessHygiene.Snapshot before = ProcessHygiene.snapshot();
        List<Integer> ports = freePorts(5);
        try (World world = World.builder().regions(A, B)
                .lakeFsPort(A, ports.get(0)).lakeFsPort(B, ports.get(1))
                .s3Port(ports.get(2)).sqsPort(ports.get(3)).dynamoDbPort(ports.get(4))
                .shutdownHook(false)
                .config("validator.num_workers", 2)
                .config(B, "validator.num_workers", 7)
                .config(A, "listen_address", "127.0.0.1:18999")
                .config(B, "commit_sensor.process_branches_duration", null)
                .start()) {
            assertThat(world.site(A).lakeFsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:" + ports.get(0)));
            assertThat(world.site(B).lakeFsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:" + ports.get(1)));
            assertThat(world.s3Mock().endpoint().getPort()).isEqualTo(ports.get(2));
            assertThat(world.elasticMq().endpoint().getPort()).isEqualTo(ports.get(3));
            assertThat(world.site(B).commitsQueue().url()).contains(":" + ports.get(3) + "/");
            assertThat(world.dynoxide().port()).isEqualTo(ports.get(4));

            assertThat(world.site(A).configValues()).containsEntry("validator.num_workers", 2)
                    .containsEntry("listen_address", "127.0.0.1:18999")
                    .containsKey("commit_sensor.process_branches_duration");
            assertThat(world.site(B).configValues()).containsEntry("validator.num_workers", 7)
                    .doesNotContainKey("commit_sensor.process_branches_duration");
            assertThat(world.config(B).values().origin(io.lakemirror.config.ConfigKeys.COMMIT_SENSOR_PROCESS_BRANCHES_DURATION))
                    .contains("default");
            assertThat(world.config(A).region()).isEqualTo(Region.of(A));
        }
        before.assertNoNewProcesses(Duration.ofSeconds(5));
    }

    @Test
    void start_shouldFailBeforeStartingAnything_whenAFixedPortIsTaken() throws IOException {
        ProcessHygiene.Snapshot before = ProcessHygiene.snapshot();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            World.Builder builder = World.builder().regions(A, B).lakeFsPort(B, taken.getLocalPort());

            assertThatThrownBy(builder::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " (lakeFS of " + B + ")");
        }
        assertThat(before.newProcesses()).isEmpty();
    }
}
