package io.lakemirror.api.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lakemirror.api.Authenticator;
import io.lakemirror.api.MirrorService;
import io.lakemirror.config.ConfigKeys;
import io.lakemirror.config.ConfigValues;
import io.lakemirror.config.Durations;
import io.lakemirror.config.ListenAddress;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.runtime.Component;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API (docs/architecture.md §7) on Vert.x Web: {@code /service/replication/v1/...} routed and validated
 * from the OpenAPI document, plus {@code /healthcheck} (no auth) and {@code /metrics} (Prometheus; open,
 * authenticated or off, {@link MetricsAccess}).
 *
 * <p>Hardening ({@link Settings}): optional TLS from PEM files; every request ends within a request
 * timeout (503 with a correlation ID); idle connections close; request bodies are limited; failed
 * authentications are limited per client address and access key; authentication and the mirror work
 * run on two bounded, named worker pools, never on the event loop, so {@code /healthcheck} answers
 * while lakeFS is slow; error bodies carry a correlation ID and no internal detail ({@link ApiErrors}).
 */
public final class ApiServer implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Where the API lives. */
    public static final String BASE_PATH = "/service/replication/v1";
    static final String CONTRACT = "openapi/replication-v1.yaml";
    private static final int BODY_LIMIT = 64 * 1024;
    private static final long START_TIMEOUT_SECONDS = 30;
    static final int AUTH_THREADS = 16;
    private static final int WORK_THREADS = 32;

    /** Who may read {@code /metrics} on the API's listener. */
    public enum MetricsAccess {
        /** Anyone, as lakeFS serves its own. */
        OPEN,
        /** Callers with lakeFS keys, authenticated as for the mirror API. */
        AUTHENTICATED,
        /** Nobody here: the process's health listener serves it ({@code health.listen_address}). */
        OFF;

        static MetricsAccess fromConfig(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** TLS from PEM files: the certificate (with any intermediates) and its unencrypted private key. */
    public record Tls(Path certificateFile, Path privateKeyFile) {
        public Tls {
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        }
    }

    /**
     * Failed authentications allowed per client address and per access key id in a window; 0 turns a
     * limit off.
     */
    public record AuthFailureLimits(int perClientAddress, int perAccessKey, Duration window) {
        public AuthFailureLimits {
            Objects.requireNonNull(window, "window");
            if (perClientAddress < 0 || perAccessKey < 0 || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("auth failure limits must not be negative and the window must be"
                        + " positive: " + perClientAddress + ", " + perAccessKey + ", " + window);
            }
        }
    }

    /**
     * How the API listens.
     *
     * @param address               {@code listen_address}
     * @param requestTimeout        longest time a request may take before it is answered 503
     * @param idleTimeout           a connection silent for this long is closed
     * @param tls                   HTTPS when present
     * @param metrics               who may read {@code /metrics} here
     * @param authFailures          the failed-authentication limits
     * @param trustForwardedHeaders take the client address from {@code Forwarded} / {@code X-Forwarded-For}
     * @param internalNames         names an error body must never show (tables, queues, lakeFS hosts)
     */
    public record Settings(ListenAddress address, Duration requestTimeout, Duration idleTimeout, Optional<Tls> tls,
                           MetricsAccess metrics, AuthFailureLimits authFailures, boolean trustForwardedHeaders,
                           Set<String> internalNames) {
        public Settings {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(authFailures, "authFailures");
            internalNames = Set.copyOf(internalNames);
            if (requestTimeout.toMillis() < 1 || idleTimeout.toSeconds() < 1) {
                throw new IllegalArgumentException("the request timeout must be at least 1ms and the idle timeout at"
                        + " least 1s: " + requestTimeout + ", " + idleTimeout);
            }
        }

        /** The defaults of the configuration keys, on {@code address}. */
        public static Settings defaults(ListenAddress address) {
            return new Settings(address, ConfigKeys.API_REQUEST_TIMEOUT.defaultValue().orElseThrow(),
                    ConfigKeys.API_IDLE_TIMEOUT.defaultValue().orElseThrow(), Optional.empty(),
                    MetricsAccess.fromConfig(ConfigKeys.API_METRICS.defaultValue().orElseThrow()),
                    new AuthFailureLimits(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ADDRESS.defaultValue().orElseThrow(),
                            ConfigKeys.API_AUTH_FAILURES_MAX_PER_ACCESS_KEY.defaultValue().orElseThrow(),
                            ConfigKeys.API_AUTH_FAILURES_WINDOW.defaultValue().orElseThrow()),
                    false, Set.of());
        }

        /** The settings of a configuration ({@code listen_address}, {@code tls.*}, {@code api.*}). */
        public static Settings from(ReplicationConfig config) {
            ConfigValues v = config.values();
            Optional<Tls> tls = v.require(ConfigKeys.TLS_ENABLED)
                    ? Optional.of(new Tls(Path.of(v.require(ConfigKeys.TLS_CERT_FILE)), Path.of(v.require(ConfigKeys.TLS_KEY_FILE))))
                    : Optional.empty();
            List<String> names = new ArrayList<>();
            config.mirrorsDatabase().dynamoDbTableName().ifPresent(names::add);
            config.refstoreDatabase().dynamoDbTableName().ifPresent(names::add);
            names.add(config.queue().queueName());
            names.addAll(config.queue().queueUrls().values());
            List<URI> endpoints = new ArrayList<>(config.dstEndpoints().values());
            endpoints.add(config.regionalEndpoint());
            config.auth().apiEndpoint().ifPresent(endpoints::add);
            endpoints.stream().map(URI::getHost).filter(Objects::nonNull).forEach(names::add);
            return new Settings(config.listenAddress(), v.require(ConfigKeys.API_REQUEST_TIMEOUT),
                    v.require(ConfigKeys.API_IDLE_TIMEOUT), tls, MetricsAccess.fromConfig(v.require(ConfigKeys.API_METRICS)),
                    new AuthFailureLimits(v.require(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ADDRESS),
                            v.require(ConfigKeys.API_AUTH_FAILURES_MAX_PER_ACCESS_KEY),
                            v.require(ConfigKeys.API_AUTH_FAILURES_WINDOW)),
                    v.require(ConfigKeys.API_TRUST_FORWARDED_HEADERS), Set.copyOf(names));
        }

        public Settings withRequestTimeout(Duration timeout) {
            return new Settings(address, timeout, idleTimeout, tls, metrics, authFailures, trustForwardedHeaders, internalNames);
        }

        public Settings withIdleTimeout(Duration timeout) {
            return new Settings(address, requestTimeout, timeout, tls, metrics, authFailures, trustForwardedHeaders, internalNames);
        }

        public Settings withTls(Tls pem) {
            return new Settings(address, requestTimeout, idleTimeout, Optional.of(pem), metrics, authFailures,
                    trustForwardedHeaders, internalNames);
        }

        public Settings withMetrics(MetricsAccess access) {
            return new Settings(address, requestTimeout, idleTimeout, tls, access, authFailures, trustForwardedHeaders, internalNames);
        }

        public Settings withAuthFailures(AuthFailureLimits limits) {
            return new Settings(address, requestTimeout, idleTimeout, tls, metrics, limits, trustForwardedHeaders, internalNames);
        }

        public Settings withInternalNames(Set<String> names) {
            return new Settings(address, requestTimeout, idleTimeout, tls, metrics, authFailures, trustForwardedHeaders, names);
        }
    }

    private final Settings settings;
    private final Authenticator authenticator;
    private final MirrorService service;
    private final PrometheusMeterRegistry metrics;
    private final Optional<io.lakemirror.api.OperatorService> operator;
    private final ApiErrors errors;
    private Vertx vertx;
    private HttpServer server;

    public ApiServer(ListenAddress address, Authenticator authenticator, MirrorService service,
                     PrometheusMeterRegistry metrics) {
        this(Settings.defaults(address), authenticator, service, metrics);
    }

    public ApiServer(Settings settings, Authenticator authenticator, MirrorService service,
                     PrometheusMeterRegistry metrics) {
        this(settings, authenticator, service, metrics, Optional.empty());
    }

    /**
     * With the operator routes (every mirror in one listing, lag histories, integrity audits) and the dashboard's
     * data; the server starts and closes {@code operator} with itself.
     */
    public ApiServer(Settings settings, Authenticator authenticator, MirrorService service,
                     PrometheusMeterRegistry metrics, Optional<io.lakemirror.api.OperatorService> operator) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authenticator = authenticator;
        this.service = service;
        this.metrics = metrics;
        this.operator = Objects.requireNonNull(operator, "operator");
        this.errors = new ApiErrors(settings.internalNames());
    }

    @Override
    public String name() {
        return "api";
    }

    @Override
    public void start() {
        vertx = Vertx.vertx();
        try {
            WorkerExecutor authWorkers = vertx.createSharedWorkerExecutor("api-auth", AUTH_THREADS);
            WorkerExecutor workers = vertx.createSharedWorkerExecutor("api-work", WORK_THREADS);
            MirrorHandlers handlers = new MirrorHandlers(authenticator, service,
                    new AuthFailureLimiter(settings.authFailures(), Ticker.systemTicker()), authWorkers, workers);
            operator.ifPresent(io.lakemirror.api.OperatorService::start);
            OpenAPIContract contract = await(OpenAPIContract.from(vertx, CONTRACT));
            Router router = router(contract, handlers, workers);
            server = await(vertx.createHttpServer(serverOptions()).requestHandler(router).listen());
            LOG.info("replication API listening on {}://{}:{}{} (request timeout {}, idle timeout {}, /metrics {})",
                    settings.tls().isPresent() ? "https" : "http", settings.address().host(), server.actualPort(), BASE_PATH,
                    Durations.format(settings.requestTimeout()), Durations.format(settings.idleTimeout()),
                    settings.metrics().name().toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private HttpServerOptions serverOptions() {
        HttpServerOptions options = new HttpServerOptions().setHost(settings.address().host())
                .setPort(settings.address().port())
                .setIdleTimeout((int) Math.max(1, settings.idleTimeout().toSeconds()))
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        settings.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certificateFile().toString()).setKeyPath(tls.privateKeyFile().toString())));
        return options;
    }

    /** The port the server listens on (the chosen one when configured with port 0). */
    public int port() {
        return server.actualPort();
    }

    private Router router(OpenAPIContract contract, MirrorHandlers handlers, WorkerExecutor workers) {
        RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        builder.rootHandler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        builder.rootHandler(handlers::authenticate);
        for (OpenAPIRoute route : builder.getRoutes()) {
            route.setDoSecurity(false);
        }
        builder.getRoute("createMirror").addHandler(handlers::create);
        builder.getRoute("listMirrors").addHandler(handlers::list);
        builder.getRoute("getMirror").addHandler(handlers::get);
        builder.getRoute("deleteMirror").addHandler(handlers::delete);
        builder.getRoute("updateMirror").addHandler(handlers::update);
        OperatorHandlers operatorHandlers = new OperatorHandlers(operator, workers, settings.requestTimeout());
        builder.getRoute("listAllMirrors").addHandler(operatorHandlers::listAll);
        builder.getRoute("getLagHistory").addHandler(operatorHandlers::lagHistory);
        builder.getRoute("startAudit").addHandler(operatorHandlers::startAudit);
        builder.getRoute("getAudit").addHandler(operatorHandlers::getAudit);
        Router api = builder.createRouter();
        api.route().failureHandler(errors::handle);

        Router root = Router.router(vertx);
        if (settings.trustForwardedHeaders()) {
            root.allowForward(AllowForwardHeaders.ALL);
        }
        root.route().handler(TimeoutHandler.create(settings.requestTimeout().toMillis(), 503));
        root.get("/healthcheck").handler(ctx -> ctx.response().setStatusCode(204).end());
        if (settings.metrics() != MetricsAccess.OFF) {
            var route = root.get("/metrics");
            if (settings.metrics() == MetricsAccess.AUTHENTICATED) {
                route.handler(handlers::authenticate);
            }
            route.handler(ctx -> workers.executeBlocking(metrics::scrape, false)
                    .onSuccess(text -> {
                        if (!ctx.response().ended()) {
                            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text);
                        }
                    })
                    .onFailure(ctx::fail));
        }
        Buffer document = Buffer.buffer(resource(CONTRACT));
        root.get(BASE_PATH + "/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml").end(document));
        root.route(BASE_PATH + "/*").subRouter(api);
        new DashboardRoutes().addTo(root, errors::notFound);
        root.route().handler(errors::notFound);
        root.route().failureHandler(errors::handle);
        return root;
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the API", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the API did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the API did not start within " + START_TIMEOUT_SECONDS + " s", e);
        }
    }

    @Override
    public void close() {
        operator.ifPresent(io.lakemirror.api.OperatorService::close);
        if (vertx == null) {
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the API did not stop cleanly: {}", e.toString());
        }
        vertx = null;
        LOG.info("replication API stopped");
    }
}
