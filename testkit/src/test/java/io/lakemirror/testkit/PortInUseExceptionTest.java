package io.lakemirror.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortInUseExceptionTest {

    private static ServerSocket listening() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    @Test
    void requireFree_shouldNameEveryBusyPortAndItsPurpose_whenPortsAreListenedOn() throws IOException {
        try (ServerSocket one = listening(); ServerSocket two = listening()) {
            Map<Integer, String> wanted = new LinkedHashMap<>();
            wanted.put(one.getLocalPort(), "lakeFS of us-east-1");
            wanted.put(two.getLocalPort(), "S3");

            assertThatThrownBy(() -> PortInUseException.requireFree(wanted))
                    .isInstanceOfSatisfying(PortInUseException.class, e -> assertThat(e.busy()).isEqualTo(wanted))
                    .hasMessage("port " + one.getLocalPort() + " (lakeFS of us-east-1), port " + two.getLocalPort()
                            + " (S3) are already in use on 127.0.0.1");
        }
    }

    @Test
    void requireFree_shouldPass_whenThePortsAreFreeOrZero() throws IOException {
        int freed;
        try (ServerSocket socket = listening()) {
            freed = socket.getLocalPort();
        }
        Map<Integer, String> wanted = Map.of(freed, "SQS", 0, "any free port");

        assertThatCode(() -> PortInUseException.requireFree(wanted)).doesNotThrowAnyException();
    }

    @Test
    void isFree_shouldBeFalse_whileAServerListens() throws IOException {
        try (ServerSocket socket = listening()) {
            assertThat(PortInUseException.isFree(socket.getLocalPort())).isFalse();
        }
    }
}
