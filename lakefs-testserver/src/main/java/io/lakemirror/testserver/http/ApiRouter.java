package io.lakemirror.testserver.http;

import io.lakemirror.testserver.auth.Authenticator;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code /api/v1} router: authentication first (no credentials = no user; bad credentials =
 * 401), then one small handler per lakeFS operation, and one failure handler for all of them.
 */
public final class ApiRouter {
    private ApiRouter() {
    }

    public static Router create(Vertx vertx, ApiContext api, Authenticator authenticator) {
        return create(vertx, api, authenticator, new ReportedVersion(ReportedVersion.CURRENT));
    }

    /** The router of a server that reports {@code version} and behaves as that lakeFS version. */
    public static Router create(Vertx vertx, ApiContext api, Authenticator authenticator, ReportedVersion version) {
        Router r = Router.router(vertx);
        r.route().handler(ctx -> {
            ctx.put(Requests.USER, authenticator.authenticate(ctx.request().getHeader("Authorization")));
            ctx.next();
        });
        new RepositoryRoutes(api, version).mount(r);
        new BranchRoutes(api).mount(r);
        new CommitRoutes(api).mount(r);
        new TagRoutes(api).mount(r);
        new ObjectRoutes(api).mount(r);
        new AuthRoutes(api).mount(r);
        r.get("/setup_lakefs").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("state", "initialized")));
        // lakeFS's VersionConfig: version_context is "lakeFS"; latest_version and upgrade_* only after a release check.
        r.get("/config/version").handler(ctx -> {
            api.authenticated(ctx);
            Responses.json(ctx, 200, new JsonObject().put("version", version.get()).put("version_context", "lakeFS"));
        });
        r.route().failureHandler(failureHandler());
        return r;
    }

    /** The failure handler of every route, and the answer to unknown paths and methods. */
    public static Handler<RoutingContext> failureHandler() {
        return new ErrorHandler();
    }

    /** Installs lakeFS's answers for unmatched requests on {@code router}. */
    public static void unmatched(Router router) {
        router.errorHandler(404, ctx -> Responses.error(ctx, 404, ErrorHandler.message(404)));
        router.errorHandler(405, ctx -> Responses.error(ctx, 405, ErrorHandler.message(405)));
    }
}
