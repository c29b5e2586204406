package io.lakemirror.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes {@link CommitsDetected} as JSON and decodes it, reading {@code schema_version} first.
 * Anything that cannot be decoded raises {@link MalformedMessageException}, which the validator
 * sends to the dead-letter queue with its message as the reason.
 */
public final class CommitsDetectedCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommitsDetectedCodec() {
    }

    public static String encode(CommitsDetected m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("schema_version", CommitsDetected.SCHEMA_VERSION);
        node.put("type", "commits_detected");
        node.put("organization_id", m.organizationId().value());
        node.put("mirror_id", m.mirrorId().value());
        node.put("source_repository", m.sourceRepository().value());
        node.put("source_region", m.sourceRegion().value());
        node.put("destination_region", m.destinationRegion().value());
        node.put("branch", m.branch().value());
        node.put("sequence", m.sequence());
        node.put("batch", m.batch());
        node.put("last_batch", m.lastBatch());
        if (m.head().isPresent()) {
            node.put("head", m.head().get().value());
        } else {
            node.putNull("head");
        }
        node.put("sensed_at", m.sensedAt().toString());
        node.put("commits_sent", m.commitsSent());
        ArrayNode commits = node.putArray("commits");
        m.commits().forEach(c -> commits.add(CommitRecordJson.encode(c)));
        if (m.headCommit().isPresent()) {
            node.set("head_commit", CommitRecordJson.encode(m.headCommit().get()));
        } else {
            node.putNull("head_commit");
        }
        ArrayNode claimChecked = node.putArray("claim_checked");
        m.claimChecked().forEach(id -> claimChecked.add(id.value()));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + m, e);
        }
    }

    /** Size of the encoded message in bytes (UTF-8), for staying under the queue's limit. */
    public static int encodedSize(CommitsDetected m) {
        return encode(m).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Size one commit record adds to a message, separator included. */
    public static int encodedSize(CommitRecord c) {
        return CommitRecordJson.encode(c).toString().getBytes(StandardCharsets.UTF_8).length + 1;
    }

    public static CommitsDetected decode(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("message is not JSON: " + e.getOriginalMessage(), e);
        }
        CommitRecordJson.Fields f = new CommitRecordJson.Fields(root, "message");
        long version = f.number("schema_version");
        if (version != CommitsDetected.SCHEMA_VERSION) {
            throw new MalformedMessageException("message schema_version " + version + " is not supported (this"
                    + " version reads " + CommitsDetected.SCHEMA_VERSION + "); upgrade the validator to process it");
        }
        String type = f.text("type");
        if (!type.equals("commits_detected")) {
            throw new MalformedMessageException("message type \"" + type + "\" is not commits_detected");
        }
        try {
            List<CommitRecord> commits = new ArrayList<>();
            int i = 0;
            for (JsonNode c : f.array("commits")) {
                commits.add(CommitRecordJson.decode(c, "message.commits[" + i++ + "]"));
            }
            List<CommitId> claimChecked = new ArrayList<>();
            for (JsonNode id : f.array("claim_checked")) {
                if (!id.isTextual()) {
                    throw new MalformedMessageException("message.claim_checked must hold commit IDs as strings");
                }
                claimChecked.add(CommitId.of(id.asText()));
            }
            return new CommitsDetected(OrganizationId.of(f.text("organization_id")), MirrorId.of(f.text("mirror_id")),
                    RepositoryId.of(f.text("source_repository")), Region.of(f.text("source_region")),
                    Region.of(f.text("destination_region")), BranchId.of(f.text("branch")),
                    f.number("sequence", 1, Long.MAX_VALUE), f.intNumber("batch", 0, Integer.MAX_VALUE),
                    f.bool("last_batch"), f.optionalText("head").map(CommitId::of),
                    Instant.parse(f.text("sensed_at")), f.number("commits_sent", 0, Long.MAX_VALUE), commits,
                    f.optional("head_commit").map(h -> CommitRecordJson.decode(h, "message.head_commit")),
                    claimChecked);
        } catch (MalformedMessageException e) {
            throw e;
        } catch (InvalidInputException | IllegalArgumentException | DateTimeException e) {
            throw new MalformedMessageException("message is invalid: " + e.getMessage(), e);
        }
    }
}
