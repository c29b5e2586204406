package io.lakemirror.testserver.http;

import io.lakemirror.domain.BranchId;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.testserver.model.BranchState;
import io.lakemirror.testserver.model.Paged;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Branches: list, create, get, delete, soft and hard reset. */
final class BranchRoutes {
    private final ApiContext api;

    BranchRoutes(ApiContext api) {
        this.api = api;
    }

    void mount(Router r) {
        r.get("/repositories/:repository/branches").handler(this::list);
        r.post("/repositories/:repository/branches").handler(this::create);
        r.get("/repositories/:repository/branches/:branch").handler(this::get);
        r.delete("/repositories/:repository/branches/:branch").handler(this::delete);
        r.put("/repositories/:repository/branches/:branch").handler(this::reset);
        r.put("/repositories/:repository/branches/:branch/hard_reset").handler(this::hardReset);
    }

    private void list(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        boolean showHidden = Requests.bool(ctx, "show_hidden", false);
        api.authorize(ctx, Permission.of(Actions.LIST_BRANCHES, Arns.repository(repository)));
        Paged<BranchState> page = api.branches().list(repository, prefix, after, amount, showHidden);
        Responses.json(ctx, 200, Shapes.list(page, b -> Shapes.ref(b.id().value(), b.head())));
    }

    private void create(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        JsonObject body = Requests.body(ctx);
        String name = Requests.requiredString(body, "name");
        String source = Requests.requiredString(body, "source");
        boolean force = Requests.optionalBool(body, "force", false);
        boolean hidden = Requests.optionalBool(body, "hidden", false);
        api.authorize(ctx, Permission.of(Actions.CREATE_BRANCH, Arns.branch(repository, name)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> api.branches().create(repository, branch, source, force, hidden),
                (c, commit) -> Responses.html(c, 201, commit.value()));
    }

    private void get(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        api.authorize(ctx, Permission.of(Actions.READ_BRANCH, Arns.branch(repository, name)));
        BranchState b = api.branches().get(repository, BranchId.of(name));
        Responses.json(ctx, 200, Shapes.ref(b.id().value(), b.head()));
    }

    private void delete(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        boolean force = Requests.bool(ctx, "force", false);
        api.authorize(ctx, Permission.of(Actions.DELETE_BRANCH, Arns.branch(repository, name)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> {
            api.branches().delete(repository, branch, force);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }

    private void reset(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        JsonObject body = Requests.body(ctx);
        String type = Requests.requiredString(body, "type");
        String path = Requests.optionalString(body, "path").orElse("");
        boolean force = Requests.optionalBool(body, "force", false);
        api.authorize(ctx, Permission.of(Actions.REVERT_BRANCH, Arns.branch(repository, name)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> {
            api.branches().resetStaging(repository, branch, type, path, force);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }

    private void hardReset(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "branch");
        String ref = Requests.requiredQuery(ctx, "ref");
        boolean force = Requests.bool(ctx, "force", false);
        api.authorize(ctx, Permission.of(Actions.REVERT_BRANCH, Arns.branch(repository, name)));
        BranchId branch = BranchId.of(name);
        api.blocking(ctx, () -> {
            api.branches().hardReset(repository, branch, ref, force);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }
}
