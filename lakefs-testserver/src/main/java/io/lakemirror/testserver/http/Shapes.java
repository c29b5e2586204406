package io.lakemirror.testserver.http;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.graveler.Entry;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.model.ForeignCommit;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.model.RepositoryState;
import io.lakemirror.testserver.service.ObjectService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON lakeFS answers with, field for field. Every field the OpenAPI schema marks required is
 * always written (the Java SDK refuses a response without one); optional ones only when set.
 */
final class Shapes {
    private Shapes() {
    }

    /** {@code {pagination: {...}, results: [...]}}; {@code next_offset} is {@code ""} on the last page. */
    static <T> JsonObject list(Paged<T> page, Function<T, JsonObject> item) {
        JsonArray results = new JsonArray();
        page.results().forEach(t -> results.add(item.apply(t)));
        return new JsonObject()
                .put("pagination", pagination(page.hasMore(), page.hasMore() ? page.nextOffset() : "",
                        page.results().size(), Requests.MAX_AMOUNT))
                .put("results", results);
    }

    static JsonObject pagination(boolean hasMore, String nextOffset, int results, int maxPerPage) {
        return new JsonObject()
                .put("has_more", hasMore)
                .put("next_offset", nextOffset)
                .put("results", results)
                .put("max_per_page", maxPerPage);
    }

    /** A repository; the bare-create response of lakeFS leaves out {@code read_only}. */
    static JsonObject repository(RepositoryState r, boolean withReadOnly) {
        JsonObject json = new JsonObject()
                .put("id", r.id().value())
                .put("creation_date", r.creationDate().getEpochSecond())
                .put("default_branch", r.defaultBranch().value())
                .put("storage_namespace", r.storageNamespace().value());
        if (!r.storageId().isEmpty()) {
            json.put("storage_id", r.storageId());
        }
        if (withReadOnly) {
            json.put("read_only", r.readOnly());
        }
        return json;
    }

    static JsonObject ref(String id, CommitId commit) {
        return new JsonObject().put("id", id).put("commit_id", commit.value());
    }

    static JsonObject commit(CommitRecord c) {
        return new JsonObject()
                .put("id", c.id().value())
                .put("parents", new JsonArray(c.parents().stream().map(CommitId::value).toList()))
                .put("committer", c.committer())
                .put("message", c.message())
                .put("creation_date", c.creationDate().getEpochSecond())
                .put("meta_range_id", c.metaRangeId().map(MetaRangeId::value).orElse(""))
                .put("metadata", stringMap(c.metadata()))
                .put("generation", c.generation())
                .put("version", c.version());
    }

    /** A record CreateCommitRecord stored as given (fields that are not digests). */
    static JsonObject commit(ForeignCommit c) {
        return new JsonObject()
                .put("id", c.id())
                .put("parents", new JsonArray(c.parents()))
                .put("committer", c.committer())
                .put("message", c.message())
                .put("creation_date", c.creationDate())
                .put("meta_range_id", c.metaRangeId())
                .put("metadata", stringMap(c.metadata()))
                .put("generation", c.generation())
                .put("version", c.version());
    }

    static JsonObject object(ObjectService.ObjectView o) {
        Entry e = o.entry();
        JsonObject json = new JsonObject()
                .put("path", o.path())
                .put("path_type", "object")
                .put("physical_address", o.physicalAddress())
                .put("checksum", e.eTag())
                .put("mtime", e.lastModified().getEpochSecond())
                .put("size_bytes", e.size())
                .put("metadata", stringMap(e.metadata()));
        if (!e.contentType().isEmpty()) {
            json.put("content_type", e.contentType());
        }
        return json;
    }

    static JsonObject listed(ObjectService.Listed item) {
        return item.object().map(Shapes::object).orElseGet(() -> new JsonObject()
                .put("path", item.path())
                .put("path_type", "common_prefix")
                .put("physical_address", "")
                .put("checksum", "")
                .put("mtime", 0));
    }

    static JsonObject user(AuthStore.UserRecord u) {
        JsonObject json = new JsonObject()
                .put("id", u.id().value())
                .put("creation_date", u.creationDate().getEpochSecond());
        u.friendlyName().ifPresent(n -> json.put("friendly_name", n));
        u.email().ifPresent(e -> json.put("email", e));
        return json;
    }

    /** lakeFS's user of an unauthenticated {@code GET /user}: the Go zero values. */
    static JsonObject emptyUser() {
        return new JsonObject().put("id", "").put("creation_date", 0);
    }

    static JsonObject group(AuthStore.Group g) {
        return new JsonObject().put("id", g.id()).put("name", g.id()).put("creation_date", g.creationDate().getEpochSecond());
    }

    static JsonObject credentials(AuthStore.Credential c, boolean withSecret) {
        JsonObject json = new JsonObject()
                .put("access_key_id", c.accessKeyId())
                .put("creation_date", c.creationDate().getEpochSecond());
        if (withSecret) {
            json.put("secret_access_key", c.secretAccessKey());
        }
        return json;
    }

    static JsonObject policy(Policy p) {
        JsonArray statements = new JsonArray();
        for (Statement s : p.statements()) {
            JsonObject st = new JsonObject()
                    .put("effect", s.effect().wire())
                    .put("resource", s.resource())
                    .put("action", new JsonArray(s.actions()));
            if (!s.conditions().isEmpty()) {
                JsonObject condition = new JsonObject();
                s.conditions().forEach((op, fields) -> {
                    JsonObject f = new JsonObject();
                    fields.forEach((field, values) -> f.put(field, new JsonArray(values)));
                    condition.put(op, f);
                });
                st.put("condition", condition);
            }
            statements.add(st);
        }
        JsonObject json = new JsonObject().put("id", p.id());
        p.creationDate().ifPresent(d -> json.put("creation_date", d.getEpochSecond()));
        return json.put("statement", statements);
    }

    static JsonObject stringMap(Map<String, String> map) {
        JsonObject json = new JsonObject();
        map.forEach(json::put);
        return json;
    }

    static JsonArray strings(List<String> values) {
        return new JsonArray(values);
    }
}
