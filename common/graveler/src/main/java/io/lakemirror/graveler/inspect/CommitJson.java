package io.lakemirror.graveler.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.identity.CommitIds;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A commit record given as JSON, with the field names of lakeFS's {@code CommitRecordCreation}
 * ({@code committer, message, metarange_id, creation_date, metadata, parents}; {@code meta_range_id}
 * as in {@code Commit} is accepted too). Other fields are ignored, so lakeFS API objects and the
 * fixture vectors can be fed as they are.
 */
public record CommitJson(String committer, String message, String metaRangeId, long creationDate,
                         Map<String, String> metadata, List<String> parents) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CommitJson parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the commit record is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        return of(root);
    }

    public static CommitJson of(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("the commit record must be a JSON object with committer, message,"
                    + " metarange_id, creation_date, metadata and parents");
        }
        JsonNode metaRange = root.has("metarange_id") ? root.get("metarange_id") : root.get("meta_range_id");
        return new CommitJson(text(root.get("committer"), "committer"), text(root.get("message"), "message"),
                text(metaRange, "metarange_id"), integer(root.get("creation_date"), "creation_date"),
                metadata(root.get("metadata")), parents(root.get("parents")));
    }

    /** The commit ID lakeFS computes for these fields. */
    public String commitId() {
        return CommitIds.compute(committer, message, metaRangeId, creationDate, metadata, parents);
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.isTextual()) {
            throw new InvalidInputException("field " + field + " must be a string"
                    + (node == null ? " but is missing" : " but is " + node.getNodeType().name().toLowerCase()));
        }
        return node.textValue();
    }

    private static long integer(JsonNode node, String field) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidInputException("field " + field + " must be whole Unix seconds (an integer)"
                    + (node == null ? " but is missing" : " but is " + node));
        }
        return node.longValue();
    }

    private static Map<String, String> metadata(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("field metadata must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            out.put(field.getKey(), text(field.getValue(), "metadata." + field.getKey()));
        }
        return out;
    }

    private static List<String> parents(JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new InvalidInputException("field parents must be an array of commit IDs"
                    + (node == null ? " but is missing" : ""));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(text(node.get(i), "parents[" + i + "]"));
        }
        return out;
    }
}
