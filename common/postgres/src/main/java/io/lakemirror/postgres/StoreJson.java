package io.lakemirror.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.domain.TagId;
import io.lakemirror.messages.CommitRecordJson;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON documents of the stored items. Every document carries {@code schema_version}; a document
 * of a newer version than this process knows is refused with a clear error rather than read
 * half-way and written back older. Instants are ISO-8601 strings, so they keep nanoseconds.
 */
final class StoreJson {
    static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StoreJson() {
    }

    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON document", e);
        }
    }

    private static ObjectNode doc() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schema_version", SCHEMA_VERSION);
        return node;
    }

    /** Parses a stored document and checks its schema version; {@code where} names the item in errors. */
    static JsonNode read(String json, String where) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CorruptDataException(where + " is not valid JSON (" + e.getOriginalMessage() + "); fix or remove the row", e);
        }
        int version = node.path("schema_version").asInt(0);
        if (version > SCHEMA_VERSION) {
            throw new NonRetryableException(where + " was written with schema_version " + version + " by a newer lakemirror;"
                    + " this process knows " + SCHEMA_VERSION + ": upgrade this process (not retried)");
        }
        return node;
    }

    private static <T> T decode(String json, String where, Function<JsonNode, T> decoder) {
        JsonNode node = read(json, where);
        try {
            return decoder.apply(node);
        } catch (NonRetryableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptDataException(where + " cannot be read (" + e.getMessage() + "); fix or remove the row", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field " + field + " is missing or not a string");
        }
        return value.asText();
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Instant instant(JsonNode node, String field) {
        return Instant.parse(text(node, field));
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("field " + field + " is missing or not an integer");
        }
        return value.asLong();
    }

    // --- mirror spec, status, source status

    static String spec(MirrorSpec s) {
        ObjectNode n = doc();
        n.put("id", s.id().value());
        n.put("name", s.name().value());
        n.put("source_repository", s.sourceRepository().value());
        n.put("source_region", s.sourceRegion().value());
        n.put("destination_region", s.destinationRegion().value());
        n.put("storage_namespace", s.storageNamespace().value());
        n.put("default_branch", s.defaultBranch().value());
        n.put("created_at", s.createdAt().toString());
        n.put("created_by", s.createdBy());
        s.deleteRequestedAt().ifPresent(at -> n.put("delete_requested_at", at.toString()));
        s.sourceIdentity().ifPresent(i -> {
            ObjectNode o = n.putObject("source_identity");
            o.put("creation_date", i.creationDate().toString());
            o.put("storage_namespace", i.storageNamespace());
        });
        n.put("mirror_tags", s.mirrorTags());
        return write(n);
    }

    static MirrorSpec spec(String json, String where) {
        return decode(json, where, n -> new MirrorSpec(MirrorId.of(text(n, "id")), RepositoryId.of(text(n, "name")),
                RepositoryId.of(text(n, "source_repository")), Region.of(text(n, "source_region")),
                Region.of(text(n, "destination_region")), StorageNamespace.of(text(n, "storage_namespace")),
                BranchId.of(text(n, "default_branch")), instant(n, "created_at"), text(n, "created_by"),
                optionalText(n, "delete_requested_at").map(Instant::parse),
                object(n, "source_identity").map(o -> new MirrorSpec.SourceIdentity(instant(o, "creation_date"),
                        text(o, "storage_namespace"))),
                // Specs written before issue 23 have no flag: they mirror tags, the default.
                !n.has("mirror_tags") || n.get("mirror_tags").asBoolean(true)));
    }

    static String status(MirrorStatus s) {
        ObjectNode n = doc();
        n.put("mirror_id", s.mirrorId().value());
        n.put("state", s.state().name());
        n.put("message", s.message());
        n.put("updated_at", s.updatedAt().toString());
        if (!s.tagsWaiting().isEmpty()) {
            ArrayNode tags = n.putArray("tags_waiting");
            for (MirrorStatus.TagWaiting w : s.tagsWaiting()) {
                ObjectNode o = tags.addObject();
                o.put("tag", w.tag().value());
                o.put("commit_id", w.commit().value());
                o.put("missing_count", w.missingCount());
                ArrayNode missing = o.putArray("missing");
                w.missingFiles().forEach(missing::add);
            }
        }
        return write(n);
    }

    static MirrorStatus status(String json, String where) {
        return decode(json, where, n -> {
            List<MirrorStatus.TagWaiting> tags = new ArrayList<>();
            for (JsonNode o : n.path("tags_waiting")) {
                List<String> missing = new ArrayList<>();
                o.path("missing").forEach(m -> missing.add(m.asText()));
                tags.add(new MirrorStatus.TagWaiting(TagId.of(text(o, "tag")), CommitId.of(text(o, "commit_id")),
                        number(o, "missing_count"), missing));
            }
            return new MirrorStatus(MirrorId.of(text(n, "mirror_id")), MirrorState.valueOf(text(n, "state")),
                    text(n, "message"), instant(n, "updated_at"), tags);
        });
    }

    static String source(SourceStatus s) {
        ObjectNode n = doc();
        n.put("mirror_id", s.mirrorId().value());
        n.put("lease_owner", s.leaseOwner());
        n.put("lease_until", s.leaseUntil().toString());
        s.lastScanAt().ifPresent(at -> n.put("last_scan_at", at.toString()));
        s.lastError().ifPresent(e -> n.put("last_error", e));
        return write(n);
    }

    static SourceStatus source(String json, String where) {
        return decode(json, where, n -> new SourceStatus(MirrorId.of(text(n, "mirror_id")), text(n, "lease_owner"),
                instant(n, "lease_until"), optionalText(n, "last_scan_at").map(Instant::parse), optionalText(n, "last_error")));
    }

    // --- sensor state

    static String sensorState(SensorBranchState s) {
        ObjectNode n = doc();
        n.put("mirror_id", s.mirrorId().value());
        n.put("branch", s.branch().value());
        n.put("sequence", s.sequence());
        s.head().ifPresent(h -> n.put("head", h.value()));
        n.put("sensed_at", s.sensedAt().toString());
        n.put("sent", s.sent());
        n.put("commits_sent", s.commitsSent());
        ArrayNode unpromoted = n.putArray("unpromoted");
        s.unpromoted().forEach(u -> unpromoted.addObject().put("sequence", u.sequence()).put("sensed_at", u.at().toString()));
        return write(n);
    }

    static SensorBranchState sensorState(String json, String where) {
        return decode(json, where, n -> {
            List<SensorBranchState.Sensed> unpromoted = new ArrayList<>();
            n.path("unpromoted").forEach(u -> unpromoted.add(new SensorBranchState.Sensed(number(u, "sequence"),
                    instant(u, "sensed_at"))));
            return new SensorBranchState(MirrorId.of(text(n, "mirror_id")), BranchId.of(text(n, "branch")),
                    number(n, "sequence"), optionalText(n, "head").map(CommitId::of), instant(n, "sensed_at"),
                    n.path("sent").asBoolean(), number(n, "commits_sent"), unpromoted);
        });
    }

    // --- branch state

    static String branchState(BranchState s) {
        return write(branchStateNode(s));
    }

    static ObjectNode branchStateNode(BranchState s) {
        ObjectNode n = doc();
        n.put("mirror_id", s.mirrorId().value());
        n.put("branch", s.branch().value());
        s.validated().ifPresent(v -> {
            ObjectNode o = n.putObject("validated");
            o.put("sequence", v.sequence());
            v.head().ifPresent(h -> o.put("head", h.value()));
            o.put("sensed_at", v.sensedAt().toString());
            o.put("validated_at", v.validatedAt().toString());
            o.put("commits_sent", v.commitsSent());
        });
        s.waiting().ifPresent(w -> {
            ObjectNode o = n.putObject("waiting");
            o.put("sequence", w.sequence());
            o.put("head", w.head().value());
            ArrayNode missing = o.putArray("missing");
            w.missing().forEach(missing::add);
            o.put("since", w.since().toString());
            o.put("last_check_at", w.lastCheckAt().toString());
            o.put("checks", w.checks());
        });
        s.validatorError().ifPresent(e -> error(n.putObject("validator_error"), e));
        s.promoted().ifPresent(p -> {
            ObjectNode o = n.putObject("promoted");
            o.put("sequence", p.sequence());
            p.head().ifPresent(h -> o.put("head", h.value()));
            o.put("promoted_at", p.promotedAt().toString());
            o.put("commits_sent", p.commitsSent());
        });
        s.promotion().ifPresent(l -> {
            ObjectNode o = n.putObject("promotion");
            o.put("sequence", l.sequence());
            o.put("owner", l.owner());
            o.put("until", l.until().toString());
            o.put("version", l.version());
        });
        s.promoterError().ifPresent(e -> error(n.putObject("promoter_error"), e));
        return n;
    }

    private static void error(ObjectNode o, BranchState.ErrorInfo e) {
        o.put("message", e.message());
        o.put("at", e.at().toString());
    }

    private static Optional<JsonNode> object(JsonNode n, String field) {
        JsonNode value = n.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    private static BranchState.ErrorInfo error(JsonNode o) {
        return new BranchState.ErrorInfo(text(o, "message"), instant(o, "at"));
    }

    static BranchState branchState(String json, String where) {
        return decode(json, where, StoreJson::branchState);
    }

    static BranchState branchState(JsonNode n) {
        return new BranchState(MirrorId.of(text(n, "mirror_id")), BranchId.of(text(n, "branch")),
                object(n, "validated").map(o -> new BranchState.Validated(number(o, "sequence"),
                        optionalText(o, "head").map(CommitId::of), instant(o, "sensed_at"), instant(o, "validated_at"),
                        number(o, "commits_sent"))),
                object(n, "waiting").map(o -> {
                    List<String> missing = new ArrayList<>();
                    o.path("missing").forEach(m -> missing.add(m.asText()));
                    return new BranchState.Waiting(number(o, "sequence"), CommitId.of(text(o, "head")), missing,
                            instant(o, "since"), instant(o, "last_check_at"), (int) number(o, "checks"));
                }),
                object(n, "validator_error").map(StoreJson::error),
                object(n, "promoted").map(o -> new BranchState.Promoted(number(o, "sequence"),
                        optionalText(o, "head").map(CommitId::of), instant(o, "promoted_at"), number(o, "commits_sent"))),
                object(n, "promotion").map(o -> new BranchState.PromotionLease(number(o, "sequence"), text(o, "owner"),
                        instant(o, "until"), optionalText(o, "version")
                        .orElseGet(() -> BranchState.PromotionLease.legacyVersion(text(o, "owner"), instant(o, "until"))))),
                object(n, "promoter_error").map(StoreJson::error));
    }

    // --- refstore

    static String commit(CommitRecord c) {
        ObjectNode n = doc();
        n.set("record", CommitRecordJson.encode(c));
        return write(n);
    }

    static CommitRecord commit(String json, String where) {
        return decode(json, where, n -> CommitRecordJson.decode(n.get("record"), where));
    }
}
