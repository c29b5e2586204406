package io.lakemirror.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.domain.CommitId;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one JSON shape of an audit report, for {@code bin/replication audit --json} and the API's audit resource
 * (snake_case and unix seconds, as the rest of the API).
 */
public final class AuditReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditReportJson() {
    }

    public static ObjectNode toJson(AuditReport report) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode mirror = root.putObject("mirror");
        mirror.put("id", report.spec().id().value())
                .put("name", report.spec().name().value())
                .put("source_repository", report.spec().sourceRepository().value())
                .put("source_region", report.spec().sourceRegion().value())
                .put("region", report.spec().destinationRegion().value())
                .put("storage_namespace", report.spec().storageNamespace().value());
        root.put("strict", report.strict())
                .put("result", report.outcome().name().toLowerCase(Locale.ROOT))
                .put("started_at", report.startedAt().getEpochSecond())
                .put("finished_at", report.finishedAt().getEpochSecond())
                .put("duration_ms", report.duration().toMillis());
        if (report.error().isPresent()) {
            root.put("error", report.error().get());
        } else {
            root.putNull("error");
        }
        AuditReport.Counts c = report.counts();
        root.putObject("counts")
                .put("branches", c.branches())
                .put("tags", c.tags())
                .put("source_tags_not_mirrored", c.sourceTagsNotMirrored())
                .put("commits_verified", c.commitsVerified())
                .put("metadata_files", c.metadataFiles())
                .put("data_objects", c.dataObjects())
                .put("data_objects_skipped", c.dataObjectsSkipped())
                .put("findings", c.findings());
        ArrayNode violated = root.putArray("violated_invariants");
        report.violatedInvariants().forEach(i -> violated.add(i.name()));
        ArrayNode findings = root.putArray("findings");
        for (Finding f : report.findings()) {
            findings.addObject()
                    .put("invariant", f.invariant().name())
                    .put("ref_kind", lower(f.refKind()))
                    .put("ref", f.ref())
                    .put("kind", lower(f.kind()))
                    .put("object", f.object())
                    .put("detail", f.detail());
        }
        ArrayNode refs = root.putArray("refs");
        for (RefReport r : report.refs()) {
            ObjectNode ref = refs.addObject()
                    .put("kind", lower(r.kind()))
                    .put("name", r.name())
                    .put("mirror_head", id(r.mirrorHead()))
                    .put("source_head", id(r.sourceHead()))
                    .put("state", lower(r.state()))
                    .put("metadata_files", r.metadataFiles())
                    .put("data_objects", r.dataObjects())
                    .put("violations", r.violations());
            ArrayNode notes = ref.putArray("notes");
            r.notes().forEach(notes::add);
        }
        ArrayNode notes = root.putArray("notes");
        report.notes().forEach(notes::add);
        return root;
    }

    /** {@link #toJson} as indented text. */
    public static String toText(AuditReport report) {
        try {
            return JSON.writeValueAsString(toJson(report));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static String id(Optional<CommitId> commit) {
        return commit.map(CommitId::value).orElse(null);
    }
}
