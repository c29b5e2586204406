package io.lakemirror.api.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's files at {@value #PATH}, from the jar ({@code dashboard/} on the classpath): plain HTML, CSS and
 * JavaScript, no CDN, no third-party code. The files hold no data and need no credentials; the page asks for the
 * caller's lakeFS keys and calls the API with them (HTTP Basic), so the data is exactly what the API lets that
 * caller read. A strict Content-Security-Policy keeps the page to its own script and to this origin.
 */
final class DashboardRoutes {
    /** Where the dashboard lives. */
    static final String PATH = "/service/replication/ui";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final Map<String, Buffer> files;

    DashboardRoutes() {
        java.util.HashMap<String, Buffer> loaded = new java.util.HashMap<>();
        TYPES.keySet().forEach(name -> loaded.put(name, Buffer.buffer(resource("dashboard/" + name))));
        this.files = Map.copyOf(loaded);
    }

    /** Adds the dashboard's routes to {@code root}; {@code notFound} answers names it does not serve. */
    void addTo(Router root, io.vertx.core.Handler<RoutingContext> notFound) {
        // Vert.x matches PATH with and without its trailing slash; relative links in the page need the slash.
        root.get(PATH).handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                send(ctx, "index.html");
            } else {
                ctx.response().setStatusCode(301).putHeader("Location", PATH + "/").end();
            }
        });
        root.get(PATH + "/:file").handler(ctx -> {
            String name = ctx.pathParam("file");
            if (files.containsKey(name)) {
                send(ctx, name);
            } else {
                notFound.handle(ctx);
            }
        });
    }

    private void send(RoutingContext ctx, String name) {
        ctx.response()
                .putHeader("Content-Type", TYPES.get(name))
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(files.get(name));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
