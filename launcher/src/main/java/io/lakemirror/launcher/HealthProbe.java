package io.lakemirror.launcher;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container image's health check command: asks this container's health server whether the
 * process is ready and exits 0 when it answers 200, 1 otherwise. It uses only {@code java.base}, so
 * a JVM with {@code -cp lakemirror.jar} and a small heap starts it in a fraction of a second; the
 * image has no shell or curl.
 *
 * <p>Arguments: {@code [--live] [PORT]}. {@code --live} asks {@code /healthcheck/live} (the process
 * serves) instead of {@code /healthcheck} (its backends answer), for orchestrators that replace a
 * task whose check fails. The port is PORT, else the port of {@code REPLICATION_HEALTH_LISTEN_ADDRESS},
 * else 8009 ({@code health.listen_address}'s default).
 */
public final class HealthProbe {
    private static final int DEFAULT_PORT = 8009;

    private HealthProbe() {
    }

    public static void main(String[] args) {
        boolean live = args.length > 0 && args[0].equals("--live");
        String portArgument = args.length > (live ? 1 : 0) ? args[live ? 1 : 0] : null;
        int port = port(portArgument, System.getenv("REPLICATION_HEALTH_LISTEN_ADDRESS"));
        URI uri = URI.create("http://127.0.0.1:" + port + (live ? "/healthcheck/live" : "/healthcheck"));
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(3_000);
            connection.setReadTimeout(8_000);
            int status = connection.getResponseCode();
            System.out.println(uri + " answered " + status);
            System.exit(status == 200 || status == 204 ? 0 : 1);
        } catch (IOException e) {
            System.out.println(uri + " did not answer: " + e.getMessage());
            System.exit(1);
        }
    }

    static int port(String argument, String listenAddress) {
        if (argument != null && !argument.isBlank()) {
            return Integer.parseInt(argument.trim());
        }
        if (listenAddress != null && listenAddress.lastIndexOf(':') > 0) {
            return Integer.parseInt(listenAddress.substring(listenAddress.lastIndexOf(':') + 1).trim());
        }
        return DEFAULT_PORT;
    }
}
