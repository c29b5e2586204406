package io.lakemirror.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of a commit record, with lakeFS's field names, shared by messages and stored items.
 * Decoding validates every field; failures name the field.
 */
public final class CommitRecordJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CommitRecordJson() {
    }

    public static ObjectNode encode(CommitRecord c) {
        ObjectNode node = NODES.objectNode();
        node.put("id", c.id().value());
        ArrayNode parents = node.putArray("parents");
        c.parents().forEach(p -> parents.add(p.value()));
        node.put("committer", c.committer());
        node.put("message", c.message());
        node.put("meta_range_id", c.metaRangeId().map(MetaRangeId::value).orElse(""));
        node.put("creation_date", c.creationDate().getEpochSecond());
        ObjectNode metadata = node.putObject("metadata");
        c.metadata().forEach(metadata::put);
        node.put("generation", c.generation());
        node.put("version", c.version());
        return node;
    }

    public static CommitRecord decode(JsonNode node, String where) {
        Fields f = new Fields(node, where);
        List<CommitId> parents = new ArrayList<>();
        for (JsonNode p : f.array("parents")) {
            parents.add(CommitId.of(text(p, where + ".parents")));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new MalformedMessageException(where + ".metadata must be an object of strings");
            }
            meta.fields().forEachRemaining(e -> metadata.put(e.getKey(), text(e.getValue(), where + ".metadata." + e.getKey())));
        }
        String metaRange = f.text("meta_range_id");
        return new CommitRecord(CommitId.of(f.text("id")), parents, f.text("committer"), f.text("message"),
                metaRange.isEmpty() ? Optional.empty() : Optional.of(MetaRangeId.of(metaRange)),
                Instant.ofEpochSecond(f.number("creation_date", Instant.MIN.getEpochSecond(),
                        Instant.MAX.getEpochSecond())),
                metadata, f.number("generation", 0, Long.MAX_VALUE), f.intNumber("version", 0, 1));
    }

    private static String text(JsonNode value, String where) {
        if (value == null || !value.isTextual()) {
            throw new MalformedMessageException(where + " must be a string");
        }
        return value.asText();
    }

    /** Reads required fields of one JSON object, naming the field in every error. */
    static final class Fields {
        private final JsonNode node;
        private final String where;

        Fields(JsonNode node, String where) {
            if (node == null || !node.isObject()) {
                throw new MalformedMessageException(where + " must be a JSON object");
            }
            this.node = node;
            this.where = where;
        }

        JsonNode required(String name) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw new MalformedMessageException(where + "." + name + " is missing");
            }
            return value;
        }

        String text(String name) {
            return CommitRecordJson.text(required(name), where + "." + name);
        }

        Optional<String> optionalText(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(CommitRecordJson.text(value, where + "." + name));
        }

        long number(String name) {
            JsonNode value = required(name);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw new MalformedMessageException(where + "." + name + " must be an integer");
            }
            return value.asLong();
        }

        /** A required integer within {@code [min, max]}: out of range is an error, never a silent wrap. */
        long number(String name, long min, long max) {
            long value = number(name);
            if (value < min || value > max) {
                throw new MalformedMessageException(where + "." + name + " is " + value + ", outside " + min + ".."
                        + max);
            }
            return value;
        }

        /** A required integer within {@code [min, max]}, which must fit an int. */
        int intNumber(String name, int min, int max) {
            return (int) number(name, min, max);
        }

        boolean bool(String name) {
            JsonNode value = required(name);
            if (!value.isBoolean()) {
                throw new MalformedMessageException(where + "." + name + " must be true or false");
            }
            return value.asBoolean();
        }

        Iterable<JsonNode> array(String name) {
            JsonNode value = required(name);
            if (!value.isArray()) {
                throw new MalformedMessageException(where + "." + name + " must be an array");
            }
            return value;
        }

        Optional<JsonNode> optional(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
        }
    }
}
