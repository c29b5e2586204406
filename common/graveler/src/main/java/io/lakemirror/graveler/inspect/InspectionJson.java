package io.lakemirror.graveler.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.graveler.sstable.InternalKey;
import io.lakemirror.graveler.sstable.Printable;
import io.lakemirror.graveler.sstable.SstableProperties;
import io.lakemirror.graveler.sstable.TableRecord;
import java.util.HexFormat;

/**
 * The JSON that {@code graveler inspect} prints: one object per file, one per record. Keys and
 * property values print as text when they are printable UTF-8, otherwise as {@code hex:<digits>}.
 */
public final class InspectionJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private InspectionJson() {
    }

    public static ObjectNode summary(TableSummary summary) {
        ObjectNode out = JSON.createObjectNode();
        out.put("file", summary.file());
        out.put("size_bytes", summary.sizeBytes());
        out.put("type", summary.type().map(t -> t.propertyValue()).orElse(null));
        summary.computedId().ifPresent(id -> out.put("id", id));
        out.put("record_count", summary.recordCount());
        out.put("first_key", summary.firstKey().map(Printable::bytes).orElse(null));
        out.put("last_key", summary.lastKey().map(Printable::bytes).orElse(null));
        out.put("index_type", summary.indexType().label());
        ObjectNode footer = out.putObject("footer");
        footer.put("checksum_type", summary.footer().checksumType());
        footer.put("format_version", summary.footer().formatVersion());
        summary.metaIndexNames().forEach(out.putArray("metaindex_keys")::add);
        ObjectNode user = out.putObject("user_properties");
        ObjectNode table = out.putObject("table_properties");
        SstableProperties properties = summary.properties();
        properties.all().forEach((name, value) -> {
            if (!name.startsWith(SstableProperties.PREFIX)) {
                user.put(name, Printable.bytes(value));
            } else if (SstableProperties.encodingOf(name) == SstableProperties.Encoding.STRING) {
                table.put(name, Printable.bytes(value));
            } else {
                table.put(name, properties.number(name).getAsLong());
            }
        });
        summary.warnings().forEach(out.putArray("warnings")::add);
        return out;
    }

    public static ObjectNode entry(EntryRecord record) {
        ObjectNode out = JSON.createObjectNode();
        out.put("key", record.key());
        out.put("identity", record.identity() == null ? null : HEX.formatHex(record.identity()));
        out.put("identity_matches_entry", record.identityMatchesEntry());
        out.put("address", record.entry().address());
        out.put("address_type", record.entry().addressType().name());
        out.put("last_modified", record.entry().lastModified().toString());
        out.put("size", record.entry().size());
        out.put("e_tag", record.entry().eTag());
        ObjectNode metadata = out.putObject("metadata");
        record.entry().metadata().forEach(metadata::put);
        out.put("content_type", record.entry().contentType());
        return out;
    }

    public static ObjectNode range(RangeInfo range) {
        ObjectNode out = JSON.createObjectNode();
        out.put("key", Printable.bytes(range.maxKey()));
        out.put("range_id", range.id().value());
        out.put("min_key", Printable.bytes(range.minKey()));
        out.put("max_key", Printable.bytes(range.maxKey()));
        out.put("count", range.count());
        out.put("estimated_size", range.estimatedSizeBytes());
        return out;
    }

    public static ObjectNode raw(TableRecord record) {
        InternalKey key = record.key();
        ObjectNode out = JSON.createObjectNode();
        out.put("key_hex", HEX.formatHex(key.userKey()));
        out.put("sequence", key.sequenceNumber());
        out.put("kind", key.kind());
        out.put("value_hex", HEX.formatHex(record.value()));
        return out;
    }

    /** Compact single-line JSON. */
    public static String line(ObjectNode node) {
        return node.toString();
    }
}
