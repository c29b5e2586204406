package io.lakemirror.config;

/** A {@code host:port} pair to listen on. Port 0 picks a free port (tests). */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("\"" + text + "\" is not host:port, for example 0.0.0.0:8008");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" has no numeric port, for example 0.0.0.0:8008", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
        }
        return new ListenAddress(text.substring(0, colon), port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
