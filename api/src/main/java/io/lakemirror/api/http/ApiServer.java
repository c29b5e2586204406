package io.lakemirror.api.http;

import io.lakemirror.api.Authenticator;
import io.lakemirror.api.MirrorService;
import io.lakemirror.config.ListenAddress;
import io.lakemirror.runtime.Component;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API (docs/architecture.md §7) on Vert.x Web: {@code /service/replication/v1/...} routed and validated
 * from the OpenAPI document, plus {@code /healthcheck} (no auth) and {@code /metrics} (Prometheus).
 * Request bodies are limited; handlers never block the event loop.
 */
public final class ApiServer implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Where the API lives. */
    public static final String BASE_PATH = "/service/replication/v1";
    static final String CONTRACT = "openapi/replication-v1.yaml";
    private static final int BODY_LIMIT = 64 * 1024;
    private static final long START_TIMEOUT_SECONDS = 30;

    private final ListenAddress address;
    private final MirrorHandlers handlers;
    private final PrometheusMeterRegistry metrics;
    private Vertx vertx;
    private HttpServer server;

    public ApiServer(ListenAddress address, Authenticator authenticator, MirrorService service,
                     PrometheusMeterRegistry metrics) {
        this.address = address;
        this.handlers = new MirrorHandlers(authenticator, service);
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "api";
    }

    @Override
    public void start() {
        vertx = Vertx.vertx();
        try {
            OpenAPIContract contract = await(OpenAPIContract.from(vertx, CONTRACT));
            Router router = router(contract);
            server = await(vertx.createHttpServer(new HttpServerOptions().setHost(address.host()).setPort(address.port()))
                    .requestHandler(router).listen());
            LOG.info("replication API listening on http://{}:{}{}", address.host(), server.actualPort(), BASE_PATH);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The port the server listens on (the chosen one when configured with port 0). */
    public int port() {
        return server.actualPort();
    }

    private Router router(OpenAPIContract contract) {
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
        Router api = builder.createRouter();
        api.route().failureHandler(ApiErrors::handle);

        Router root = Router.router(vertx);
        root.get("/healthcheck").handler(ctx -> ctx.response().setStatusCode(204).end());
        root.get("/metrics").handler(ctx -> ctx.vertx().executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                .onFailure(ctx::fail));
        Buffer document = Buffer.buffer(resource(CONTRACT));
        root.get(BASE_PATH + "/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml").end(document));
        root.route(BASE_PATH + "/*").subRouter(api);
        root.route().handler(ctx -> ApiErrors.send(ctx, 404, "invalid API endpoint"));
        root.route().failureHandler(ApiErrors::handle);
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
