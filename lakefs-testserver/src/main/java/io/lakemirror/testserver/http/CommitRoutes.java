package io.lakemirror.testserver.http;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.model.CommitLog;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.service.CommitService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Commits, the log, merges and the internal CreateCommitRecord. */
final class CommitRoutes {
    private final ApiContext api;

    CommitRoutes(ApiContext api) {
        this.api = api;
    }

    void mount(Router r) {
        r.post("/repositories/:repository/branches/:branch/commits").handler(this::commit);
        r.get("/repositories/:repository/commits/:commitId").handler(this::get);
        r.post("/repositories/:repository/commits").handler(this::createRecord);
        r.get("/repositories/:repository/refs/:ref/commits").handler(this::log);
        r.post("/repositories/:repository/refs/:sourceRef/merge/:destinationBranch").handler(this::merge);
        r.get("/repositories/:repository/refs/:sourceRef/merge/:destinationBranch").handler(this::mergeBase);
    }

    private void commit(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        if (Requests.query(ctx, "source_metarange").isPresent()) {
            throw new LakeFsError(LakeFsError.Kind.NOT_IMPLEMENTED,
                    "commit with source_metarange is not implemented by the lakemirror test server");
        }
        JsonObject body = Requests.body(ctx);
        CommitService.CommitRequest request = new CommitService.CommitRequest(
                Requests.requiredString(body, "message"),
                Requests.stringMap(body, "metadata"),
                Requests.optionalLong(body, "date"),
                Requests.optionalBool(body, "allow_empty", false),
                Requests.optionalBool(body, "force", false));
        AuthStore.UserRecord user = api.authorize(ctx,
                Permission.of(Actions.CREATE_COMMIT, Arns.branch(repository, name)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> api.commits().commit(repository, branch, request, user.committer()),
                (c, commit) -> Responses.json(c, 201, Shapes.commit(commit)));
    }

    private void get(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String ref = Requests.path(ctx, "commitId");
        api.authorize(ctx, Permission.of(Actions.READ_COMMIT, Arns.repository(repository)));
        Optional<io.lakemirror.testserver.model.ForeignCommit> foreign = api.commits().foreign(repository, ref);
        if (foreign.isPresent()) {
            Responses.json(ctx, 200, Shapes.commit(foreign.get()));
            return;
        }
        Responses.json(ctx, 200, Shapes.commit(api.commits().get(repository, ref)));
    }

    private void createRecord(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        JsonObject body = Requests.body(ctx);
        long version = Requests.requiredLong(body, "version");
        if (version < 0 || version > 1) {
            throw Requests.bodyError("doesn't match schema: Error at \"/version\": number must be at most 1"
                    + " and at least 0");
        }
        CommitService.CommitRecordFields fields = new CommitService.CommitRecordFields(
                Requests.requiredString(body, "commit_id"),
                (int) version,
                Requests.requiredString(body, "committer"),
                Requests.requiredString(body, "message"),
                Requests.requiredString(body, "metarange_id"),
                Requests.requiredLong(body, "creation_date"),
                Requests.stringList(body, "parents", true),
                Requests.stringMap(body, "metadata"),
                Requests.requiredLong(body, "generation"),
                Requests.optionalBool(body, "force", false));
        api.authorize(ctx, Permission.of(Actions.CREATE_COMMIT, Arns.repository(repository)));
        api.blocking(ctx, () -> {
            api.commits().createCommitRecord(repository, fields);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }

    private void log(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String ref = Requests.path(ctx, "ref");
        if (!ctx.queryParam("objects").isEmpty() || !ctx.queryParam("prefixes").isEmpty()) {
            throw new LakeFsError(LakeFsError.Kind.NOT_IMPLEMENTED,
                    "log filtered by objects or prefixes is not implemented by the lakemirror test server");
        }
        Optional<String> after = Requests.query(ctx, "after");
        int amount = Requests.amount(ctx);
        Optional<String> stopAt = Requests.query(ctx, "stop_at").filter(s -> !s.isEmpty());
        boolean firstParent = Requests.bool(ctx, "first_parent", false);
        boolean limit = Requests.bool(ctx, "limit", false);
        Optional<Instant> since = Requests.query(ctx, "since").filter(s -> !s.isEmpty()).map(CommitRoutes::dateTime);
        api.authorize(ctx, Permission.of(Actions.READ_BRANCH, Arns.branch(repository, ref)));
        CommitLog.Result result = api.commits().log(repository, ref, after, amount, stopAt, firstParent, limit, since);
        Paged<CommitRecord> page = new Paged<>(result.commits(), result.hasMore(),
                result.hasMore() ? result.commits().get(result.commits().size() - 1).id().value() : "");
        Responses.json(ctx, 200, Shapes.list(page, Shapes::commit));
    }

    private static Instant dateTime(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw LakeFsError.badRequest("parameter \"since\" in query has an error: " + e.getMessage());
        }
    }

    private void merge(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String source = Requests.path(ctx, "sourceRef");
        String destination = Requests.path(ctx, "destinationBranch");
        JsonObject body = ctx.body() == null || ctx.body().length() == 0 ? new JsonObject() : Requests.body(ctx);
        CommitService.MergeRequest request = new CommitService.MergeRequest(
                Requests.optionalString(body, "message"),
                Requests.stringMap(body, "metadata"),
                Requests.optionalString(body, "strategy").filter(s -> !s.isEmpty()),
                Requests.optionalBool(body, "force", false),
                Requests.optionalBool(body, "allow_empty", false),
                Requests.optionalBool(body, "squash_merge", false));
        request.strategy().ifPresent(s -> {
            if (!s.equals("dest-wins") && !s.equals("source-wins")) {
                throw LakeFsError.badRequest("merge strategy must be dest-wins or source-wins, got " + s);
            }
        });
        AuthStore.UserRecord user = api.authorize(ctx,
                Permission.of(Actions.CREATE_COMMIT, Arns.branch(repository, destination)));
        BranchId dest = BranchId.of(destination);
        api.blocking(ctx, () -> api.commits().merge(repository, source, dest, request, user.committer()),
                (c, commit) -> Responses.json(c, 200, new JsonObject().put("reference", commit.id().value())));
    }

    private void mergeBase(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String source = Requests.path(ctx, "sourceRef");
        String destination = Requests.path(ctx, "destinationBranch");
        api.authorize(ctx, Permission.of(Actions.LIST_COMMITS, Arns.repository(repository)));
        CommitService.MergeBase base = api.commits().mergeBase(repository, source, destination);
        Responses.json(ctx, 200, new JsonObject()
                .put("source_commit_id", base.source().value())
                .put("destination_commit_id", base.destination().value())
                .put("base_commit_id", base.base().value()));
    }
}
