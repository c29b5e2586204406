package io.lakemirror.testkit.faults;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP reverse proxy between clients under test and one server (S3Mock, ElasticMQ), injecting
 * faults on a seeded random fraction of requests while it runs: an error answer (S3's 503
 * SlowDown, SQS throttling), a delay before forwarding, or a hang (the request is never answered
 * and its connection is dropped after a while, so the client's own timeout fires). An
 * {@link Interceptor} may rewrite answers or act on them (the SQS proxy duplicates deliveries
 * with one).
 *
 * <p>Only the clients pointed at {@link #endpoint()} see the faults; everyone else keeps talking
 * to the server directly. Bodies are buffered whole (the proxied APIs move kilobytes). Test-only.
 *
 * <pre>{@code
 * try (HttpFaultProxy s3 = HttpFaultProxy.builder("s3", s3Mock.endpoint()).start()) {
 *     s3.fail(0.2, ErrorAnswer.s3SlowDown());  // then s3.reset()
 * }
 * }</pre>
 */
public final class HttpFaultProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFaultProxy.class);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length", "expect");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** What a proxied request looked like, for interceptors and fault scopes. */
    public record Exchange(String method, String path, Map<String, String> headers, byte[] body) {
        /** A request header, case-insensitively. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sees every answer before the client does and may replace its body. Called on the event loop: never block. */
    @FunctionalInterface
    public interface Interceptor {
        byte[] onResponse(Exchange request, int status, byte[] body);
    }

    /** An error answer the proxy gives instead of forwarding. */
    public record ErrorAnswer(int status, String contentType, String body) {
        /** S3's throttling answer: 503 SlowDown (the SDK retries it with backoff). */
        public static ErrorAnswer s3SlowDown() {
            return new ErrorAnswer(503, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                    + "<Code>SlowDown</Code><Message>Please reduce your request rate. (injected fault)</Message>"
                    + "<RequestId>lakemirror-fault</RequestId></Error>");
        }

        /** S3's answer to a caller its bucket policy or credentials do not allow: 403 AccessDenied. */
        public static ErrorAnswer s3AccessDenied() {
            return new ErrorAnswer(403, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                    + "<Code>AccessDenied</Code><Message>Access Denied (injected fault)</Message>"
                    + "<RequestId>lakemirror-fault</RequestId></Error>");
        }

        /** An internal error of S3. */
        public static ErrorAnswer s3InternalError() {
            return new ErrorAnswer(500, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                    + "<Code>InternalError</Code><Message>We encountered an internal error. Please try again."
                    + " (injected fault)</Message><RequestId>lakemirror-fault</RequestId></Error>");
        }

        /** SQS's JSON-protocol throttling answer. */
        public static ErrorAnswer sqsThrottled() {
            return new ErrorAnswer(400, "application/x-amz-json-1.0", "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\","
                    + "\"message\":\"Rate exceeded (injected fault)\"}");
        }
    }

    /** What the proxy did so far. */
    public record Stats(long forwarded, long failed, long delayed, long hung) {
        public long injected() {
            return failed + delayed + hung;
        }
    }

    private final String name;
    private final URI target;
    private final Interceptor interceptor;
    private final Vertx vertx;
    private final HttpClientAgent client;
    private final HttpServer server;
    private final URI endpoint;
    private final Object lock = new Object();
    private Random random;
    private double failFraction;
    private ErrorAnswer failAnswer = ErrorAnswer.s3SlowDown();
    private double delayFraction;
    private Duration delay = Duration.ZERO;
    private double hangFraction;
    private Duration hang = Duration.ZERO;
    private Predicate<Exchange> scope = e -> true;
    private Predicate<Exchange> cut = e -> false;
    private Predicate<Exchange> corrupt = e -> false;
    private final AtomicLong cutOff = new AtomicLong();
    private final AtomicLong corrupted = new AtomicLong();
    private double lateFraction;
    private Predicate<Exchange> lateWhich = e -> false;
    private Late lateHow = Late.ANSWER_LATE;
    private Duration lateBy = Duration.ZERO;
    private final AtomicLong lateExecuted = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong hung = new AtomicLong();

    private HttpFaultProxy(Builder b) {
        this.name = b.name;
        this.target = b.target;
        this.interceptor = b.interceptor;
        this.random = new Random(b.seed);
        this.vertx = Vertx.vertx();
        try {
            this.client = vertx.httpClientBuilder()
                    .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS))
                    .with(new PoolOptions().setHttp1MaxSize(256))
                    .build();
            this.server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(b.port)
                            .setHandle100ContinueAutomatically(true))
                    .requestHandler(this::handle)
                    .listen(), "listening");
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        this.endpoint = URI.create("http://127.0.0.1:" + server.actualPort());
        LOG.info("Fault proxy {} on {} forwards to {}", name, endpoint, target);
    }

    /** A proxy named {@code name} (for logs) in front of {@code target} (scheme, host and port are used). */
    public static Builder builder(String name, URI target) {
        return new Builder(name, target);
    }

    /** Where clients that should see the faults connect. */
    public URI endpoint() {
        return endpoint;
    }

    public String name() {
        return name;
    }

    /** Answers a fraction of requests with {@code answer} instead of forwarding them. */
    public HttpFaultProxy fail(double fraction, ErrorAnswer answer) {
        checkFraction(fraction);
        synchronized (lock) {
            failFraction = fraction;
            failAnswer = Objects.requireNonNull(answer, "answer");
        }
        return this;
    }

    /** Forwards a fraction of requests only after {@code by}. */
    public HttpFaultProxy delay(double fraction, Duration by) {
        checkFraction(fraction);
        synchronized (lock) {
            delayFraction = fraction;
            delay = Objects.requireNonNull(by, "by");
        }
        return this;
    }

    /** Never answers a fraction of requests; their connection is closed after {@code drop}. */
    public HttpFaultProxy hang(double fraction, Duration drop) {
        checkFraction(fraction);
        synchronized (lock) {
            hangFraction = fraction;
            hang = Objects.requireNonNull(drop, "drop");
        }
        return this;
    }

    /** Limits every fault to requests matching {@code which} (default: all requests). */
    public HttpFaultProxy scope(Predicate<Exchange> which) {
        synchronized (lock) {
            scope = Objects.requireNonNull(which, "which");
        }
        return this;
    }

    /**
     * A network partition for the requests matching {@code which} (none: {@code e -> false}): they are
     * never forwarded and their connection is closed at once, so the client sees a reset connection,
     * not an HTTP error. Independent of {@link #scope} and of the other faults.
     */
    public HttpFaultProxy partition(Predicate<Exchange> which) {
        synchronized (lock) {
            cut = Objects.requireNonNull(which, "which");
        }
        return this;
    }

    /**
     * Serves the successful GET answers to requests matching {@code which} (none: {@code e -> false})
     * with their bytes altered (same length, so only the content tells): a corrupt object as a client
     * reads it, while the object in the server stays intact for everyone else.
     */
    public HttpFaultProxy corrupt(Predicate<Exchange> which) {
        synchronized (lock) {
            corrupt = Objects.requireNonNull(which, "which");
        }
        return this;
    }

    /** Requests cut off by a {@link #partition} so far. */
    public long partitioned() {
        return cutOff.get();
    }

    /** Answers served altered by {@link #corrupt} so far. */
    public long corrupted() {
        return corrupted.get();
    }

    /** How a {@link #lateExecution} takes a request. */
    public enum Late {
        /** Forwarded at once; the answer is held back for the delay (the client gave up by then): it landed unseen. */
        ANSWER_LATE,
        /** Forwarded at once; when the answer comes, the client's connection is closed instead: it landed unseen. */
        ANSWER_DROPPED,
        /**
         * Held, and forwarded to the server only after the delay, when the client has given up and its
         * lease has passed: a zombie write, executed after its writer lost the right to make it.
         */
        ZOMBIE
    }

    /**
     * Late execution of a fraction of the requests matching {@code which} (none: fraction 0): see
     * {@link Late}. {@code by} should outlast the client's timeout and its lease. Independent of
     * {@link #scope}; the other faults do not apply to a request taken here.
     */
    public HttpFaultProxy lateExecution(double fraction, Predicate<Exchange> which, Late how, Duration by) {
        checkFraction(fraction);
        synchronized (lock) {
            lateFraction = fraction;
            lateWhich = Objects.requireNonNull(which, "which");
            lateHow = Objects.requireNonNull(how, "how");
            lateBy = Objects.requireNonNull(by, "by");
        }
        return this;
    }

    /** Requests taken by {@link #lateExecution} so far. */
    public long lateExecuted() {
        return lateExecuted.get();
    }

    /** Restarts the random sequence. */
    public HttpFaultProxy seed(long seed) {
        synchronized (lock) {
            random = new Random(seed);
        }
        return this;
    }

    /** Turns every fault off; requests in a delay or a hang finish as planned. */
    public HttpFaultProxy reset() {
        synchronized (lock) {
            failFraction = 0;
            delayFraction = 0;
            hangFraction = 0;
            lateFraction = 0;
            lateWhich = e -> false;
            scope = e -> true;
            cut = e -> false;
            corrupt = e -> false;
        }
        return this;
    }

    public Stats stats() {
        return new Stats(forwarded.get(), failed.get(), delayed.get(), hung.get());
    }

    private enum Action { FORWARD, FAIL, DELAY, HANG, CUT, LATE }

    private void handle(HttpServerRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        request.body().onSuccess(body -> {
            Exchange exchange = new Exchange(request.method().name(), request.path(), headers, body.getBytes());
            Action action = Action.FORWARD;
            long millis = 0;
            ErrorAnswer answer = null;
            Late how = null;
            synchronized (lock) {
                if (cut.test(exchange)) {
                    action = Action.CUT;
                } else if (lateFraction > 0 && lateWhich.test(exchange) && random.nextDouble() < lateFraction) {
                    action = Action.LATE;
                    how = lateHow;
                    millis = lateBy.toMillis();
                } else if (scope.test(exchange)) {
                    if (failFraction > 0 && random.nextDouble() < failFraction) {
                        action = Action.FAIL;
                        answer = failAnswer;
                    } else if (hangFraction > 0 && random.nextDouble() < hangFraction) {
                        action = Action.HANG;
                        millis = hang.toMillis();
                    } else if (delayFraction > 0 && random.nextDouble() < delayFraction) {
                        action = Action.DELAY;
                        millis = delay.toMillis();
                    }
                }
            }
            switch (action) {
                case FAIL -> {
                    failed.incrementAndGet();
                    request.response().setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType());
                    if (request.method() == HttpMethod.HEAD) {
                        request.response().end();
                    } else {
                        request.response().end(answer.body());
                    }
                }
                case CUT -> {
                    cutOff.incrementAndGet();
                    request.connection().close();
                }
                case HANG -> {
                    hung.incrementAndGet();
                    vertx.setTimer(Math.max(1, millis), id -> request.connection().close());
                }
                case DELAY -> {
                    delayed.incrementAndGet();
                    vertx.setTimer(Math.max(1, millis), id -> forward(request, exchange, body));
                }
                case LATE -> late(request, exchange, body, how, millis);
                case FORWARD -> forward(request, exchange, body);
            }
        }).onFailure(e -> LOG.debug("Fault proxy {}: reading a request failed: {}", name, e.toString()));
    }

    private void late(HttpServerRequest request, Exchange exchange, Buffer body, Late how, long millis) {
        lateExecuted.incrementAndGet();
        LOG.debug("Fault proxy {}: late execution ({}, {} ms) of {} {}", name, how, millis, exchange.method(), exchange.path());
        switch (how) {
            case ANSWER_LATE -> forward(request, body, answer ->
                    vertx.setTimer(Math.max(1, millis), id -> reply(request, exchange, answer)));
            case ANSWER_DROPPED -> forward(request, body, answer -> {
                forwarded.incrementAndGet();
                request.connection().close();
            });
            // The client's own deadline closes its connection; the held request goes to the server regardless.
            case ZOMBIE -> vertx.setTimer(Math.max(1, millis), id -> forward(request, exchange, body));
        }
    }

    private void forward(HttpServerRequest request, Exchange exchange, Buffer body) {
        forward(request, body, answer -> reply(request, exchange, answer));
    }

    private void forward(HttpServerRequest request, Buffer body, java.util.function.Consumer<Answer> onAnswer) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        request.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(target.getHost())
                .setPort(target.getPort())
                .setURI(request.uri())
                .setHeaders(headers)
                .setIdleTimeout(120_000);
        client.request(options)
                .compose(upstream -> upstream.send(body))
                .compose(response -> response.body().map(b -> new Answer(response, b)))
                .onSuccess(onAnswer::accept)
                .onFailure(e -> {
                    LOG.debug("Fault proxy {}: {} {} failed upstream: {}", name, request.method(), request.uri(), e.toString());
                    if (!request.response().ended() && !request.response().closed()) {
                        request.response().setStatusCode(502).end();
                    }
                });
    }

    private record Answer(HttpClientResponse response, Buffer body) {
    }

    private void reply(HttpServerRequest request, Exchange exchange, Answer answer) {
        forwarded.incrementAndGet();
        if (request.response().closed()) {
            return;
        }
        HttpClientResponse upstream = answer.response();
        byte[] body = answer.body().getBytes();
        boolean alter;
        synchronized (lock) {
            alter = request.method() == HttpMethod.GET && upstream.statusCode() / 100 == 2 && body.length > 0
                    && corrupt.test(exchange);
        }
        if (alter) {
            corrupted.incrementAndGet();
            body = altered(body);
        }
        if (interceptor != null) {
            try {
                body = interceptor.onResponse(exchange, upstream.statusCode(), body);
            } catch (RuntimeException e) {
                LOG.warn("Fault proxy {}: interceptor failed on {} {}; answering unchanged: {}", name, exchange.method(),
                        exchange.path(), e.toString());
            }
        }
        var response = request.response().setStatusCode(upstream.statusCode());
        upstream.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        if (request.method() == HttpMethod.HEAD) {
            String length = upstream.getHeader("Content-Length");
            if (length != null) {
                response.putHeader("Content-Length", length);
            }
            response.end();
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    /** The same bytes with a run of them inverted in the middle and at the end (where an SSTable keeps its footer). */
    private static byte[] altered(byte[] body) {
        byte[] out = body.clone();
        for (int i = out.length / 2; i < Math.min(out.length, out.length / 2 + 16); i++) {
            out[i] ^= (byte) 0x5a;
        }
        for (int i = Math.max(0, out.length - 16); i < out.length; i++) {
            out[i] ^= (byte) 0xa5;
        }
        return out;
    }

    @Override
    public void close() {
        try {
            await(server.close(), "closing the server");
            await(client.close(), "closing the client");
        } catch (RuntimeException e) {
            LOG.warn("Fault proxy {} did not stop cleanly: {}", name, e.toString());
        } finally {
            try {
                await(vertx.close(), "closing Vert.x");
            } catch (RuntimeException e) {
                LOG.warn("Fault proxy {}: Vert.x did not stop cleanly: {}", name, e.toString());
            }
        }
        Stats s = stats();
        LOG.info("Fault proxy {} stopped: {} forwarded, {} failed, {} delayed, {} hung", name, s.forwarded(), s.failed(),
                s.delayed(), s.hung());
    }

    private <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fault proxy " + name + ": interrupted while " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("fault proxy " + name + ": " + what + " failed: "
                    + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be between 0 and 1, got " + fraction);
        }
    }

    /** Settings of an {@link HttpFaultProxy}. */
    public static final class Builder {
        private final String name;
        private final URI target;
        private Interceptor interceptor;
        private long seed = 1;
        private int port;

        private Builder(String name, URI target) {
            this.name = Objects.requireNonNull(name, "name");
            this.target = Objects.requireNonNull(target, "target");
            if (target.getHost() == null || target.getPort() < 0) {
                throw new IllegalArgumentException("the proxy target needs a host and a port, got " + target);
            }
        }

        public Builder interceptor(Interceptor value) {
            this.interceptor = value;
            return this;
        }

        /** Seed of the fault draws; default 1. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Listening port; default 0, a free port. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public HttpFaultProxy start() {
            return new HttpFaultProxy(this);
        }
    }
}
