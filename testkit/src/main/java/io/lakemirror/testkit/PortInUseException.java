package io.lakemirror.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Fixed ports that another process already holds. Thrown before anything starts, so that a local
 * stack on fixed ports fails with the ports and what each was for, not with a bind error deep in
 * one server's startup.
 */
public final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Busy port → what it was wanted for. */
    private final Map<Integer, String> busy;

    private PortInUseException(Map<Integer, String> busy) {
        super(busy.entrySet().stream().map(e -> "port " + e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", ")) + (busy.size() == 1 ? " is" : " are") + " already in use on 127.0.0.1");
        this.busy = Map.copyOf(busy);
    }

    /** The busy ports and what each was wanted for. */
    public Map<Integer, String> busy() {
        return busy;
    }

    /**
     * Throws naming every port of {@code wanted} (port → purpose) that cannot be bound on
     * 127.0.0.1 now; ports of 0 (any free port) are skipped. A port free now may still be taken
     * before its server binds it; that server's own error then says so.
     */
    public static void requireFree(Map<Integer, String> wanted) {
        Map<Integer, String> busy = new LinkedHashMap<>();
        List<Integer> ports = new ArrayList<>(wanted.keySet());
        for (int port : ports) {
            if (port != 0 && !isFree(port)) {
                busy.put(port, wanted.get(port));
            }
        }
        if (!busy.isEmpty()) {
            throw new PortInUseException(busy);
        }
    }

    /** Whether a server could bind {@code port} on 127.0.0.1 now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // As servers bind (SO_REUSEADDR on Linux): a port in TIME_WAIT counts as free, a listening one does not.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
