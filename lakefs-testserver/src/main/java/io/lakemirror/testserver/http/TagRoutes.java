package io.lakemirror.testserver.http;

import io.lakemirror.domain.TagId;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Tags: list, create, get, delete. */
final class TagRoutes {
    private final ApiContext api;

    TagRoutes(ApiContext api) {
        this.api = api;
    }

    void mount(Router r) {
        r.get("/repositories/:repository/tags").handler(this::list);
        r.post("/repositories/:repository/tags").handler(this::create);
        r.get("/repositories/:repository/tags/:tag").handler(this::get);
        r.delete("/repositories/:repository/tags/:tag").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        api.authorize(ctx, Permission.of(Actions.LIST_TAGS, Arns.repository(repository)));
        Responses.json(ctx, 200, Shapes.list(api.tags().list(repository, prefix, after, amount),
                t -> Shapes.ref(t.getKey(), t.getValue())));
    }

    private void create(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        JsonObject body = Requests.body(ctx);
        String name = Requests.requiredString(body, "id");
        String ref = Requests.requiredString(body, "ref");
        boolean force = Requests.optionalBool(body, "force", false);
        api.authorize(ctx, Permission.of(Actions.CREATE_TAG, Arns.tag(repository, name)));
        TagId tag = TagId.of(name);
        api.blocking(ctx, () -> api.tags().create(repository, tag, ref, force),
                (c, commit) -> Responses.json(c, 201, Shapes.ref(tag.value(), commit)));
    }

    private void get(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "tag");
        api.authorize(ctx, Permission.of(Actions.READ_TAG, Arns.tag(repository, name)));
        TagId tag = TagId.of(name);
        Responses.json(ctx, 200, Shapes.ref(tag.value(), api.tags().get(repository, tag)));
    }

    private void delete(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        String name = Requests.path(ctx, "tag");
        boolean force = Requests.bool(ctx, "force", false);
        api.authorize(ctx, Permission.of(Actions.DELETE_TAG, Arns.tag(repository, name)));
        TagId tag = TagId.of(name);
        api.blocking(ctx, () -> {
            api.tags().delete(repository, tag, force);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }
}
