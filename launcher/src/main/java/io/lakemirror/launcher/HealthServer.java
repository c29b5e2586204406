package io.lakemirror.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakemirror.config.ListenAddress;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server every process runs on {@code health.listen_address}, whatever components it
 * runs: {@code GET /healthcheck} answers 200 when every backend check passes and 503 otherwise (a
 * JSON body names each check and its outcome), {@code GET /healthcheck/live} answers 204 while the
 * process serves, and {@code GET /metrics} serves the process's Prometheus registry.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} so that the launcher needs no HTTP stack of
 * its own for three fixed paths (Vert.x stays in the API's HTTP layer). Checks run on a bounded
 * executor with a timeout, and a result is reused for {@link #CACHE_FOR}, so frequent probes cost
 * the backends at most one round of calls per interval.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    /** How long a round of checks is reused. */
    static final Duration CACHE_FOR = Duration.ofSeconds(2);
    /** How long one check may take before it counts as failed. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A named readiness check: returns normally when its backend answers, throws otherwise. */
    public interface Check {
        void run() throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ExecutorService checkThreads;
    private final Map<String, Check> checks;
    private final Supplier<Boolean> running;
    private final Clock clock;
    private Instant checkedAt = Instant.MIN;
    private Result last;

    private HealthServer(HttpServer server, ExecutorService httpThreads, ExecutorService checkThreads,
                         Map<String, Check> checks, Supplier<Boolean> running, Clock clock) {
        this.server = server;
        this.httpThreads = httpThreads;
        this.checkThreads = checkThreads;
        this.checks = checks;
        this.running = running;
        this.clock = clock;
    }

    /**
     * Starts serving on {@code address}.
     *
     * @param checks  readiness checks by name, in the order they are reported
     * @param running whether the process's components have all started (not ready before)
     * @param metrics the registry {@code /metrics} serves
     */
    public static HealthServer start(ListenAddress address, Map<String, Check> checks, Supplier<Boolean> running,
                                     PrometheusMeterRegistry metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address.host(), address.port()), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on health.listen_address " + address + ": " + e.getMessage()
                    + "; choose a free port (0 picks one)", e);
        }
        ExecutorService httpThreads = Executors.newFixedThreadPool(2, named("health-http"));
        ExecutorService checkThreads = Executors.newFixedThreadPool(Math.max(1, checks.size()), named("health-check"));
        HealthServer health = new HealthServer(server, httpThreads, checkThreads, new LinkedHashMap<>(checks), running,
                Clock.systemUTC());
        server.setExecutor(httpThreads);
        server.createContext("/healthcheck", health::healthcheck);
        server.createContext("/metrics", exchange -> {
            if (!allowGet(exchange)) {
                return;
            }
            respond(exchange, 200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8));
        });
        server.start();
        LOG.info("health and metrics on http://{}:{} (/healthcheck, /healthcheck/live, /metrics), {} checks: {}",
                address.host(), health.port(), checks.size(), checks.keySet());
        return health;
    }

    /** The port the server listens on (the chosen one when the address asked for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void healthcheck(HttpExchange exchange) throws IOException {
        if (!allowGet(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/healthcheck/live")) {
            respond(exchange, 204, null, new byte[0]);
            return;
        }
        if (!path.equals("/healthcheck") && !path.equals("/healthcheck/")) {
            respond(exchange, 404, "application/json", "{\"message\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Result result = current();
        ObjectNode body = JSON.createObjectNode();
        body.put("ready", result.ready());
        ObjectNode outcomes = body.putObject("checks");
        result.outcomes().forEach(outcomes::put);
        respond(exchange, result.ready() ? 200 : 503, "application/json", JSON.writeValueAsBytes(body));
    }

    private synchronized Result current() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(CACHE_FOR))) {
            return last;
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        boolean ready = running.get();
        outcomes.put("components", ready ? "ok" : "starting or stopped");
        Map<String, Future<?>> pending = new LinkedHashMap<>();
        checks.forEach((name, check) -> pending.put(name, checkThreads.submit(() -> {
            check.run();
            return null;
        })));
        long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        for (Map.Entry<String, Future<?>> e : pending.entrySet()) {
            try {
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                outcomes.put(e.getKey(), "ok");
            } catch (TimeoutException timeout) {
                e.getValue().cancel(true);
                outcomes.put(e.getKey(), "no answer within " + CHECK_TIMEOUT.toSeconds() + "s");
                ready = false;
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                outcomes.put(e.getKey(), "interrupted");
                ready = false;
            } catch (Exception failed) {
                Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                outcomes.put(e.getKey(), cause.getClass().getSimpleName() + ": " + cause.getMessage());
                ready = false;
            }
        }
        if (last != null && last.ready() != ready) {
            LOG.info("readiness changed to {}: {}", ready ? "ready" : "not ready", outcomes);
        }
        last = new Result(ready, outcomes);
        checkedAt = now;
        return last;
    }

    private static boolean allowGet(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "application/json", "{\"message\":\"method not allowed\"}".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            boolean noBody = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        httpThreads.shutdownNow();
        checkThreads.shutdownNow();
        try {
            if (!httpThreads.awaitTermination(5, TimeUnit.SECONDS) || !checkThreads.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("health server threads did not stop within 5s; leaving them (daemon threads)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Result(boolean ready, Map<String, String> outcomes) {
    }
}
