package io.lakemirror.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB with Streams on one machine: the {@code dynoxide} binary as a child process, in memory,
 * on a free port of 127.0.0.1.
 *
 * <p>Cleanup. {@link #close()} kills it (it holds nothing worth a graceful stop) and waits, bounded;
 * a shutdown hook does the same when the JVM exits without close. When the JVM dies without running
 * hooks (SIGKILL, crash), a watchdog cleans up: dynoxide is started by a small bash wrapper that
 * blocks reading its stdin, a pipe whose write end only this JVM holds. The kernel closes that pipe
 * when the JVM dies however it dies; the wrapper's {@code read} then sees end-of-file and kills
 * dynoxide. This needs no polling, unlike a {@link ProcessHandle} liveness loop, and unlike
 * {@code PR_SET_PDEATHSIG} it does not fire when merely the Java thread that spawned it ends.
 *
 * <pre>{@code
 * try (Dynoxide dynamo = Dynoxide.start()) {
 *     DynamoDbClient client = LocalAws.dynamoDb(dynamo.endpoint());
 * }
 * }</pre>
 */
public final class Dynoxide implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dynoxide.class);
    private static final int PORT_ATTEMPTS = 3;
    private static final int OUTPUT_LINES_KEPT = 40;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /**
     * Runs the server and a reader of this JVM's pipe side by side: the reader kills the server at
     * end-of-file (this JVM closed the pipe or died); the wrapper exits with the server's code, so a
     * server that crashes is noticed at once.
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "server=$!",
            "{ while IFS= read -r _; do :; done; kill -KILL \"$server\" 2>/dev/null; } <&3 3<&- &",
            "reader=$!",
            "exec 3<&-",
            "trap 'kill -KILL \"$server\" \"$reader\" 2>/dev/null; exit 143' TERM INT HUP",
            "wait \"$server\"",
            "code=$?",
            "kill \"$reader\" 2>/dev/null",
            "exit \"$code\"");

    private final Process wrapper;
    private final ProcessHandle server;
    private final int port;
    private final Thread outputPump;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private Dynoxide(Process wrapper, ProcessHandle server, int port, Thread outputPump, boolean hook) {
        this.wrapper = wrapper;
        this.server = server;
        this.port = port;
        this.outputPump = outputPump;
        this.shutdownHook = hook ? new Thread(this::close, "dynoxide-shutdown-" + port) : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Starts dynoxide with the binary found by {@link DynoxideBinary#resolve()}. */
    public static Dynoxide start() {
        return start(DynoxideBinary.resolve(), Duration.ofSeconds(20));
    }

    /** Starts the given dynoxide binary on a free port and waits until it accepts connections. */
    public static Dynoxide start(Path binary, Duration startTimeout) {
        return start(binary, 0, startTimeout, true);
    }

    /**
     * Starts the given dynoxide binary and waits until it accepts connections.
     *
     * @param port         the port; 0 picks a free one (retrying when another process wins it)
     * @param shutdownHook whether a JVM shutdown hook of its own stops it; an owner that stops its
     *                     servers in order from one hook of its own says false (the watchdog still
     *                     kills dynoxide when this JVM dies)
     */
    public static Dynoxide start(Path binary, int port, Duration startTimeout, boolean shutdownHook) {
        Objects.requireNonNull(binary, "binary");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (port != 0) {
            try {
                return startOnPort(binary, port, startTimeout, shutdownHook);
            } catch (PortTakenException e) {
                throw new IllegalStateException("dynoxide cannot listen on 127.0.0.1:" + port + ": the port is in use", e);
            }
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int free = FreePorts.pick();
            try {
                return startOnPort(binary, free, startTimeout, shutdownHook);
            } catch (PortTakenException e) {
                LOG.debug("dynoxide could not bind port {} (attempt {} of {}), trying another", free, attempt, PORT_ATTEMPTS);
                last = e;
            }
        }
        throw new IllegalStateException("dynoxide could not bind a free port in " + PORT_ATTEMPTS + " attempts", last);
    }

    private static Dynoxide startOnPort(Path binary, int port, Duration startTimeout, boolean shutdownHook) {
        long started = System.nanoTime();
        List<String> command = new ArrayList<>();
        // A session of its own keeps a terminal's Ctrl-C (sent to the whole foreground process group)
        // from killing dynoxide under a JVM that is still stopping the clients using it.
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of("/bin/bash", "-c", WATCHDOG, "dynoxide-watchdog",
                binary.toString(), "serve", "--host", "127.0.0.1", "--port", Integer.toString(port)));
        Process wrapper;
        try {
            wrapper = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dynoxide from " + binary + ": check the file is executable"
                    + " or reinstall it with .ci/install-tools", e);
        }
        ProcessHygiene.track(wrapper.toHandle());
        Deque<String> lastLines = new ArrayDeque<>();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pumpOutput(wrapper, port, lastLines, listening), "dynoxide-output-" + port);
        pump.setDaemon(true);
        pump.start();
        wrapper.onExit().thenRun(() -> listening.completeExceptionally(
                new IllegalStateException("dynoxide exited with code " + wrapper.exitValue() + " before listening")));
        try {
            listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitAccepting(port, startTimeout);
            ProcessHandle server = serverProcess(wrapper, binary);
            wrapper.descendants().forEach(ProcessHygiene::track);
            Dynoxide dynoxide = new Dynoxide(wrapper, server, port, pump, shutdownHook);
            LOG.info("dynoxide started on {} (pid {}) in {} ms", dynoxide.endpoint(), server.pid(),
                    (System.nanoTime() - started) / 1_000_000);
            return dynoxide;
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            kill(wrapper);
            String output = output(lastLines);
            if (output.contains("Address already in use") || output.contains("AddrInUse")) {
                throw new PortTakenException(output);
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("dynoxide (" + binary + ") did not start on 127.0.0.1:" + port + " within "
                    + startTimeout.toMillis() + " ms: " + cause.getMessage() + "; its output: " + output, cause);
        } catch (InterruptedException e) {
            kill(wrapper);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting dynoxide", e);
        }
    }

    private static ProcessHandle serverProcess(Process wrapper, Path binary) {
        String real;
        try {
            real = binary.toRealPath().toString();
        } catch (IOException e) {
            real = binary.toAbsolutePath().toString();
        }
        String expected = real;
        List<ProcessHandle> children = wrapper.children().toList();
        return children.stream().filter(p -> p.info().command().map(expected::equals).orElse(false)).findFirst()
                .or(() -> children.stream().filter(p -> !p.info().command().orElse("").endsWith("bash")).findFirst())
                .orElseThrow(() -> new IllegalStateException("dynoxide is listening but is not a child of its watchdog ("
                        + ProcessHygiene.describe(children) + ")"));
    }

    private static void pumpOutput(Process wrapper, int port, Deque<String> lastLines, CompletableFuture<Void> listening) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(wrapper.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                LOG.debug("dynoxide:{} {}", port, line);
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > OUTPUT_LINES_KEPT) {
                        lastLines.removeFirst();
                    }
                }
                if (line.contains("listening on")) {
                    listening.complete(null);
                }
            }
        } catch (IOException e) {
            LOG.trace("dynoxide:{} output closed ({})", port, e.toString());
        }
    }

    private static String output(Deque<String> lines) {
        synchronized (lines) {
            return lines.isEmpty() ? "(none)" : String.join(" | ", lines);
        }
    }

    private static void awaitAccepting(int port, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                last = e;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        throw new TimeoutException("127.0.0.1:" + port + " refuses connections" + (last == null ? "" : ": " + last));
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The dynoxide process itself (the watchdog wrapper is its parent). */
    public ProcessHandle process() {
        return server;
    }

    public boolean isRunning() {
        return !closed && server.isAlive();
    }

    /** Kills dynoxide and its watchdog and waits for both to exit, at most a few seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long started = System.nanoTime();
        List<CompletableFuture<?>> exits = new ArrayList<>();
        exits.add(wrapper.onExit());
        wrapper.descendants().forEach(p -> exits.add(p.onExit()));
        exits.add(server.onExit());
        server.destroyForcibly();
        try {
            OutputStream stdin = wrapper.getOutputStream();
            stdin.close();
        } catch (IOException e) {
            LOG.trace("closing the dynoxide watchdog's stdin failed ({})", e.toString());
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("dynoxide on port {} did not exit within {} ms; killing its watchdog", port, STOP_TIMEOUT.toMillis());
            kill(wrapper);
        } catch (InterruptedException e) {
            kill(wrapper);
            Thread.currentThread().interrupt();
        }
        try {
            outputPump.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook runs close() again, which returns at once.
            }
        }
        LOG.info("dynoxide on port {} stopped in {} ms", port, (System.nanoTime() - started) / 1_000_000);
    }

    private static void kill(Process wrapper) {
        wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
        wrapper.destroyForcibly();
        try {
            wrapper.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("dynoxide watchdog pid {} survived SIGKILL for {} ms", wrapper.pid(), STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Dynoxide[" + endpoint() + (closed ? ", closed" : "") + "]";
    }

    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String output) {
            super("port taken: " + output);
        }
    }
}
