package io.lakemirror.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free loopback ports for servers that cannot bind port 0 and report the port they got. */
final class FreePorts {
    private FreePorts() {
    }

    /** A port free on 127.0.0.1 at the time of the call; callers retry when another process wins it. */
    static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1; the server is not started", e);
        }
    }
}
