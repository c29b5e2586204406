package io.lakemirror.testserver.http;

import io.lakemirror.testserver.ExchangeCheck;
import io.lakemirror.testserver.Faults;
import io.lakemirror.testserver.ServedExchange;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every {@code /api/v1} exchange to an {@link ExchangeCheck} once its answer is sent: the request
 * as received (method, raw path, query, JSON or text body) and the answer as written ({@link Responses}
 * keeps the text it writes on the routing context).
 */
public final class ExchangeRecorder implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeRecorder.class);
    /** Where {@link Responses} keeps the text body it wrote. */
    static final String RESPONSE_BODY = "lakemirror.exchange.responseBody";
    private static final int MAX_BODY = 1 << 20;

    private final ExchangeCheck check;

    public ExchangeRecorder(ExchangeCheck check) {
        this.check = check;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.request().path().startsWith("/api/v1/")) {
            ctx.addBodyEndHandler(done -> record(ctx));
        }
        ctx.next();
    }

    private void record(RoutingContext ctx) {
        if (Boolean.TRUE.equals(ctx.get(Faults.INJECTED))) {
            return;
        }
        try {
            Map<String, List<String>> query = new LinkedHashMap<>();
            ctx.queryParams().names().forEach(name -> query.put(name, ctx.queryParams().getAll(name)));
            Optional<String> requestType = Optional.ofNullable(ctx.request().getHeader("Content-Type"));
            Optional<String> responseType = Optional.ofNullable(ctx.response().headers().get("Content-Type"));
            String responseBody = ctx.get(RESPONSE_BODY);
            check.check(new ServedExchange(ctx.request().method().name(), ctx.request().path(), query,
                    Optional.ofNullable(ctx.request().getHeader("Authorization")), requestType,
                    requestType.filter(ExchangeRecorder::isText).flatMap(t -> text(ctx)),
                    ctx.response().getStatusCode(), responseType,
                    Optional.ofNullable(responseBody).filter(b -> !b.isEmpty()),
                    !ServedExchange.RESPONSE_ONLY.equals(ctx.request().getHeader(ServedExchange.RESPONSE_ONLY_HEADER))));
        } catch (RuntimeException e) {
            LOG.warn("could not check {} {}: {}", ctx.request().method(), ctx.request().path(), e.toString());
        }
    }

    private static Optional<String> text(RoutingContext ctx) {
        if (ctx.body() == null) {
            return Optional.empty();
        }
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0 || body.length() > MAX_BODY) {
            return Optional.empty();
        }
        return Optional.of(body.toString(StandardCharsets.UTF_8));
    }

    static boolean isText(String contentType) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.contains("json") || type.startsWith("text/");
    }
}
