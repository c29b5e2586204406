package io.lakemirror.testserver.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing responses the way lakeFS writes them. */
final class Responses {
    static final String JSON = "application/json";

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        String text = body.encode();
        ctx.put(ExchangeRecorder.RESPONSE_BODY, text);
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(text);
    }

    static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    /** lakeFS's createBranch writes the bare commit ID, which Go serves as {@code text/html}. */
    static void html(RoutingContext ctx, int status, String body) {
        ctx.put(ExchangeRecorder.RESPONSE_BODY, body);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(body);
    }

    static void error(RoutingContext ctx, int status, String message) {
        String text = new JsonObject().put("message", message).encode();
        ctx.put(ExchangeRecorder.RESPONSE_BODY, text);
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", JSON)
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(text);
    }

    static void bytes(RoutingContext ctx, int status, Buffer body) {
        ctx.response().setStatusCode(status).end(body);
    }
}
