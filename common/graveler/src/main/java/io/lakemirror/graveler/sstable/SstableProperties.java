package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The properties block of a table: RocksDB/pebble bookkeeping under {@code rocksdb.*} names plus the
 * user properties a collector added (lakeFS's {@code type}, {@code min_key}, …). Values are raw
 * bytes; how each is encoded depends on its name.
 */
public final class SstableProperties {
    public static final String PREFIX = "rocksdb.";
    public static final String INDEX_TYPE = "rocksdb.block.based.table.index.type";
    public static final String NUM_ENTRIES = "rocksdb.num.entries";
    public static final String NUM_RANGE_DELETIONS = "rocksdb.num.range-deletions";
    public static final String NUM_DATA_BLOCKS = "rocksdb.num.data.blocks";
    public static final String COMPARATOR = "rocksdb.comparator";
    public static final String MERGE_OPERATOR = "rocksdb.merge.operator";

    /** How a property value is encoded, for showing it. */
    public enum Encoding { UVARINT, FIXED32, FIXED64, STRING }

    private static final Set<String> FIXED32 = Set.of(INDEX_TYPE, "rocksdb.external_sst_file.version");
    private static final Set<String> FIXED64 = Set.of("rocksdb.external_sst_file.global_seqno");
    private static final Set<String> STRINGS = Set.of(COMPARATOR, MERGE_OPERATOR,
            "rocksdb.prefix.extractor.name", "rocksdb.property.collectors", "rocksdb.compression",
            "rocksdb.compression_options", "rocksdb.column.family.name", "rocksdb.filter.policy",
            "rocksdb.block.based.table.prefix.filtering", "rocksdb.block.based.table.whole.key.filtering",
            "rocksdb.creating.db.identity", "rocksdb.creating.host.identity", "rocksdb.creating.session.identity",
            "rocksdb.db.id", "rocksdb.db.session.id", "rocksdb.db.host.id");

    private final SortedMap<String, byte[]> values;

    public SstableProperties(Map<String, byte[]> values) {
        this.values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    /** Every property by name, sorted. The arrays are shared; treat them as read-only. */
    public SortedMap<String, byte[]> all() {
        return values;
    }

    /** Properties outside the {@code rocksdb.} namespace: those a table-property collector added. */
    public SortedMap<String, byte[]> userProperties() {
        SortedMap<String, byte[]> user = new TreeMap<>();
        values.forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                user.put(name, value);
            }
        });
        return Collections.unmodifiableSortedMap(user);
    }

    public Optional<byte[]> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public Optional<String> string(String name) {
        return get(name).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    /** The property as a number in its {@link #encodingOf encoding}; empty when absent or textual. */
    public OptionalLong number(String name) {
        byte[] raw = values.get(name);
        Encoding encoding = encodingOf(name);
        if (raw == null || encoding == Encoding.STRING) {
            return OptionalLong.empty();
        }
        try {
            ByteCursor in = new ByteCursor(raw);
            long value = switch (encoding) {
                case FIXED32 -> in.readFixed32LE() & 0xffff_ffffL;
                case FIXED64 -> in.readFixed64LE();
                default -> in.readUvarint64();
            };
            if (in.hasRemaining()) {
                throw new CorruptDataException(in.remaining() + " bytes follow the number");
            }
            return OptionalLong.of(value);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("property " + name + " is not a valid " + encoding + ": " + e.getMessage(), e);
        }
    }

    /** How the property of this name is encoded: fixed-width for a few RocksDB names, text for user properties. */
    public static Encoding encodingOf(String name) {
        if (!name.startsWith(PREFIX) || STRINGS.contains(name)) {
            return Encoding.STRING;
        }
        if (FIXED32.contains(name)) {
            return Encoding.FIXED32;
        }
        if (FIXED64.contains(name)) {
            return Encoding.FIXED64;
        }
        return Encoding.UVARINT;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        values.forEach((name, value) -> out.append(out.length() > 1 ? ", " : "").append(name).append('=')
                .append(encodingOf(name) == Encoding.STRING ? Printable.bytes(value) : number(name).getAsLong()));
        return out.append('}').toString();
    }
}
