package io.lakemirror.testserver.http;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.model.RepositoryState;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code /repositories} and repository metadata. */
final class RepositoryRoutes {
    private static final Pattern NAMESPACE_SCHEMA = Pattern.compile("^(s3|gs|https?|mem|local|transient)://.*$");

    private final ApiContext api;
    private final ReportedVersion version;

    RepositoryRoutes(ApiContext api) {
        this(api, new ReportedVersion(ReportedVersion.CURRENT));
    }

    RepositoryRoutes(ApiContext api, ReportedVersion version) {
        this.api = api;
        this.version = version;
    }

    void mount(Router r) {
        r.get("/repositories").handler(this::list);
        r.post("/repositories").handler(this::create);
        r.get("/repositories/:repository").handler(this::get);
        r.delete("/repositories/:repository").handler(this::delete);
        r.get("/repositories/:repository/metadata").handler(this::getMetadata);
        r.post("/repositories/:repository/metadata").handler(this::setMetadata);
        r.delete("/repositories/:repository/metadata").handler(this::deleteMetadata);
    }

    private void list(RoutingContext ctx) {
        String prefix = Requests.query(ctx, "prefix", "");
        String after = Requests.query(ctx, "after", "");
        int amount = Requests.amount(ctx);
        api.authorize(ctx, Permission.of(Actions.LIST_REPOSITORIES, "*"));
        Paged<RepositoryState> page = api.repositories().list(prefix, after, amount);
        Responses.json(ctx, 200, Shapes.list(page, repo -> Shapes.repository(repo, true)));
    }

    private void create(RoutingContext ctx) {
        boolean bare = Requests.bool(ctx, "bare", false);
        JsonObject body = Requests.body(ctx);
        String name = Requests.requiredString(body, "name");
        String namespace = Requests.requiredString(body, "storage_namespace");
        if (!RepositoryId.RULE.accepts(name)) {
            throw Requests.bodyError("doesn't match schema: Error at \"/name\": string doesn't match the regular"
                    + " expression \"" + RepositoryId.RULE.pattern().pattern() + "\"");
        }
        if (!NAMESPACE_SCHEMA.matcher(namespace).matches()) {
            throw Requests.bodyError("doesn't match schema: Error at \"/storage_namespace\": string doesn't match"
                    + " the regular expression \"" + NAMESPACE_SCHEMA.pattern() + "\"");
        }
        BranchId defaultBranch = BranchId.of(Requests.optionalString(body, "default_branch").orElse("main"));
        boolean readOnly = Requests.optionalBool(body, "read_only", false)
                && !(bare && version.dropsReadOnlyOfBareRepositories());
        if (Requests.optionalBool(body, "sample_data", false)) {
            throw LakeFsError.badRequest("sample data is not available on the lakemirror test server");
        }
        api.authorize(ctx, Permission.allOf(
                Permission.of(Actions.CREATE_REPOSITORY, Arns.repository(name)),
                Permission.of(Actions.ATTACH_STORAGE_NAMESPACE, Arns.namespace(namespace))));
        if (!StorageNamespace.RULE.accepts(namespace)) {
            throw LakeFsError.badRequest("storage namespace " + namespace
                    + " is not supported by this server's S3 blockstore: use s3://<bucket>[/<prefix>]");
        }
        StorageNamespace ns = StorageNamespace.of(namespace);
        RepositoryId id = RepositoryId.of(name);
        Optional<String> storageId = Requests.optionalString(body, "storage_id");
        api.blocking(ctx, () -> api.repositories().create(id, ns, defaultBranch, bare, readOnly, storageId),
                (c, repo) -> Responses.json(c, 201, Shapes.repository(repo, !bare)));
    }

    private void get(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        api.authorize(ctx, Permission.of(Actions.READ_REPOSITORY, Arns.repository(repository)));
        Responses.json(ctx, 200, Shapes.repository(api.repositories().get(repository), true));
    }

    private void delete(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        boolean force = Requests.bool(ctx, "force", false);
        api.authorize(ctx, Permission.of(Actions.DELETE_REPOSITORY, Arns.repository(repository)));
        api.blocking(ctx, () -> {
            api.repositories().delete(repository, force);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }

    private void getMetadata(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        api.authorize(ctx, Permission.of(Actions.READ_REPOSITORY, Arns.repository(repository)));
        // lakeFS reads the repository for its metadata past the repository cache (ref manager getRepository).
        Responses.json(ctx, 200, Shapes.stringMap(api.repositories().stored(repository).metadata()));
    }

    private void setMetadata(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        JsonObject body = Requests.body(ctx);
        if (!body.containsKey("metadata")) {
            throw Requests.missing("metadata");
        }
        Map<String, String> metadata = Requests.stringMap(body, "metadata");
        api.authorize(ctx, Permission.of(Actions.UPDATE_REPOSITORY, Arns.repository(repository)));
        api.blocking(ctx, () -> {
            api.repositories().setMetadata(repository, metadata);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }

    private void deleteMetadata(RoutingContext ctx) {
        String repository = Requests.path(ctx, "repository");
        List<String> keys = Requests.stringList(Requests.body(ctx), "keys", true);
        api.authorize(ctx, Permission.of(Actions.UPDATE_REPOSITORY, Arns.repository(repository)));
        api.blocking(ctx, () -> {
            api.repositories().deleteMetadata(repository, keys);
            return null;
        }, (c, none) -> Responses.noContent(c));
    }
}
