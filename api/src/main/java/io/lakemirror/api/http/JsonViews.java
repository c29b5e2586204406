package io.lakemirror.api.http;

import io.lakemirror.api.MirrorService;
import io.lakemirror.api.MirrorView;
import io.lakemirror.domain.CommitId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** The JSON shapes of the API (see {@code openapi/replication-v1.yaml}), with lakeFS's snake_case and unix seconds. */
final class JsonViews {
    private JsonViews() {
    }

    static JsonObject mirror(MirrorView m) {
        JsonObject json = new JsonObject()
                .put("id", m.id().value())
                .put("name", m.name().value())
                .put("source_repository", m.sourceRepository().value())
                .put("source_region", m.sourceRegion().value())
                .put("region", m.region().value())
                .put("storage_namespace", m.storageNamespace().value())
                .put("status", m.status())
                .put("status_message", m.statusMessage())
                .put("created_at", m.createdAt().getEpochSecond())
                .put("created_by", m.createdBy())
                .put("last_scan_at", m.lastScanAt().map(Instant::getEpochSecond).orElse(null))
                .put("source_error", m.sourceError().orElse(null))
                .put("mirror_tags", m.mirrorTags());
        JsonArray branches = new JsonArray();
        m.branches().forEach(b -> branches.add(branch(b)));
        JsonArray tags = new JsonArray();
        m.tagsWaiting().forEach(t -> tags.add(new JsonObject()
                .put("id", t.tag().value())
                .put("commit_id", t.commit().value())
                .put("missing_count", t.missingCount())
                .put("missing_files", new JsonArray(t.missingFiles()))));
        return json.put("branches", branches).put("tags_waiting", tags);
    }

    static JsonObject branch(MirrorView.BranchView b) {
        return new JsonObject()
                .put("id", b.id().value())
                .put("source_head", id(b.sourceHead()))
                .put("mirror_head", id(b.mirrorHead()))
                .put("validated_head", id(b.validatedHead()))
                .put("sensed_sequence", b.sensedSequence())
                .put("validated_sequence", b.validatedSequence())
                .put("promoted_sequence", b.promotedSequence())
                .put("commits_behind", b.commitsBehind())
                .put("lag_seconds", b.lagSeconds())
                .put("missing_files", new JsonArray(b.missingFiles()))
                .put("last_error", b.lastError().orElse(null))
                .put("in_sync", b.inSync())
                .put("stalled", b.stalled())
                .put("stall_reason", b.stallReason().orElse(null));
    }

    static JsonObject page(MirrorService.MirrorPage page) {
        JsonArray results = new JsonArray();
        page.mirrors().forEach(m -> results.add(mirror(m)));
        return new JsonObject()
                .put("pagination", new JsonObject()
                        .put("has_more", page.hasMore())
                        .put("next_offset", page.nextOffset())
                        .put("results", page.mirrors().size())
                        .put("max_per_page", page.maxPerPage()))
                .put("results", results);
    }

    private static String id(Optional<CommitId> commit) {
        return commit.map(CommitId::value).orElse(null);
    }
}
