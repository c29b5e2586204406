package io.lakemirror.api.http;

import io.lakemirror.api.Caller;
import io.lakemirror.api.MirrorAudits;
import io.lakemirror.api.OperatorService;
import io.lakemirror.api.dashboard.LagHistory;
import io.lakemirror.audit.AuditProgress;
import io.lakemirror.audit.AuditReportJson;
import io.lakemirror.domain.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Vert.x handlers of the operator routes ({@link OperatorService}): every mirror with its branches, a mirror's lag
 * history, and integrity audits. They run behind {@link MirrorHandlers#authenticate} like the mirror routes, and
 * their work runs on the API's worker pool; an audit itself runs on {@link MirrorAudits}' own threads.
 */
final class OperatorHandlers {
    /** Where {@link MirrorHandlers#authenticate} leaves the caller. */
    private static final String CALLER = "lakemirror.caller";
    /** The most a start may wait for its audit, whatever {@code wait} asks: an audit stays a background job. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final Optional<OperatorService> operator;
    private final WorkerExecutor workers;
    private final Duration requestTimeout;

    OperatorHandlers(Optional<OperatorService> operator, WorkerExecutor workers, Duration requestTimeout) {
        this.operator = operator;
        this.workers = workers;
        this.requestTimeout = requestTimeout;
    }

    void listAll(RoutingContext ctx) {
        Optional<String> after = Optional.ofNullable(ctx.queryParams().get("after"));
        Optional<Integer> amount;
        try {
            amount = Optional.ofNullable(ctx.queryParams().get("amount")).map(Integer::parseInt);
        } catch (NumberFormatException e) {
            ctx.fail(new InvalidInputException("amount must be an integer"));
            return;
        }
        withOperator(ctx, op -> blocking(() -> op.listAll(caller(ctx), after, amount))
                .onSuccess(page -> json(ctx, 200, JsonViews.page(page)))
                .onFailure(ctx::fail));
    }

    void lagHistory(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        withOperator(ctx, op -> blocking(() -> op.lagHistory(caller(ctx), repository, mirror))
                .onSuccess(history -> json(ctx, 200, lagHistory(mirror, op.history(), history)))
                .onFailure(ctx::fail));
    }

    void startAudit(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        boolean strict = Boolean.parseBoolean(ctx.queryParams().get("strict"));
        Duration wait;
        try {
            wait = Duration.ofSeconds(Optional.ofNullable(ctx.queryParams().get("wait")).map(Long::parseLong).orElse(0L));
        } catch (NumberFormatException e) {
            ctx.fail(new InvalidInputException("wait must be a whole number of seconds"));
            return;
        }
        // Answer before the request timeout, which would turn a finished audit into a 503.
        Duration bound = min(min(wait, MAX_WAIT), requestTimeout.minusSeconds(2));
        withOperator(ctx, op -> blocking(() -> {
            MirrorAudits.Started started = op.startAudit(caller(ctx), repository, mirror, strict);
            MirrorAudits.await(started.run(), bound);
            return started.run();
        }).onSuccess(run -> {
            ctx.response().putHeader("Location", ctx.request().path() + "/" + run.id());
            json(ctx, run.finished() ? 200 : 202, audit(run));
        }).onFailure(failure -> {
            if (failure instanceof MirrorAudits.AuditsBusyException busy) {
                ctx.fail(new HttpRefusal(429, busy.getMessage(), Map.of("Retry-After", "30"), null));
            } else {
                ctx.fail(failure);
            }
        }));
    }

    void getAudit(RoutingContext ctx) {
        String repository = ctx.pathParam("repository");
        String mirror = ctx.pathParam("mirror_id");
        String auditId = ctx.pathParam("audit_id");
        withOperator(ctx, op -> blocking(() -> op.audit(caller(ctx), repository, mirror, auditId))
                .onSuccess(run -> json(ctx, 200, audit(run)))
                .onFailure(ctx::fail));
    }

    /** The JSON of an audit: its state and progress, and the report once it ended. */
    static JsonObject audit(MirrorAudits.Run run) {
        AuditProgress p = run.progress();
        JsonObject json = new JsonObject()
                .put("id", run.id())
                .put("mirror_id", run.spec().id().value())
                .put("strict", run.strict())
                .put("started_at", run.startedAt().getEpochSecond())
                .put("status", !run.finished() ? "running" : run.report().isPresent() ? "done" : "failed")
                .put("progress", new JsonObject()
                        .put("phase", p.phase())
                        .put("refs_total", p.refsTotal())
                        .put("refs_done", p.refsDone())
                        .put("commits_verified", p.commitsVerified())
                        .put("metadata_files", p.metadataFilesChecked())
                        .put("data_objects", p.dataObjectsChecked())
                        .put("findings", p.findings()));
        run.report().ifPresentOrElse(r -> json.put("result", r.outcome().name().toLowerCase(Locale.ROOT))
                        .put("report", new JsonObject(AuditReportJson.toText(r))),
                () -> json.putNull("result").putNull("report"));
        return json;
    }

    static JsonObject lagHistory(String mirror, LagHistory history, Map<String, List<LagHistory.Sample>> samples) {
        JsonArray branches = new JsonArray();
        samples.forEach((branch, list) -> {
            JsonArray points = new JsonArray();
            list.forEach(s -> points.add(new JsonArray().add(s.epochSecond()).add(s.lagSeconds()).add(s.commitsBehind())));
            branches.add(new JsonObject().put("branch", branch).put("samples", points));
        });
        return new JsonObject()
                .put("mirror_id", mirror)
                .put("interval_seconds", history.interval().toSeconds())
                .put("window_seconds", history.window().toSeconds())
                .put("fields", new JsonArray().add("time").add("lag_seconds").add("commits_behind"))
                .put("branches", branches);
    }

    private void withOperator(RoutingContext ctx, java.util.function.Consumer<OperatorService> action) {
        if (operator.isEmpty()) {
            ctx.fail(new HttpRefusal(404, "not found: this API process does not serve the operator routes (every mirror, lag history, audits)"));
            return;
        }
        action.accept(operator.get());
    }

    private <T> Future<T> blocking(Callable<T> call) {
        return workers.executeBlocking(call, false);
    }

    private static Caller caller(RoutingContext ctx) {
        return ctx.get(CALLER);
    }

    private static Duration min(Duration a, Duration b) {
        Duration smaller = a.compareTo(b) <= 0 ? a : b;
        return smaller.isNegative() ? Duration.ZERO : smaller;
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
