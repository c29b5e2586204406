package io.lakemirror.graveler;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.RangeId;
import io.lakemirror.graveler.sstable.InternalKey;
import io.lakemirror.graveler.sstable.Printable;
import io.lakemirror.graveler.sstable.SstableReader;
import io.lakemirror.graveler.sstable.TableRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * An opened range or metarange file: its type and properties, its records decoded lazily, and the
 * ID lakeFS would name it by. Opening reads only the end of the file; iterating reads the rest.
 * Every problem with the bytes is a {@link CorruptDataException} naming the file and the place.
 */
public final class GravelerFile {
    private final SstableReader table;
    private final Optional<GravelerFileType> type;

    private GravelerFile(SstableReader table) {
        this.table = table;
        this.type = table.properties().get(GravelerProperties.TYPE).flatMap(GravelerFileType::fromProperty);
    }

    public static GravelerFile open(ByteSource source) {
        return new GravelerFile(SstableReader.open(source));
    }

    public String name() {
        return table.name();
    }

    /** The container, for properties, index type and raw records. */
    public SstableReader table() {
        return table;
    }

    /** Empty when the {@code type} property is missing or unknown: not a graveler file. */
    public Optional<GravelerFileType> type() {
        return type;
    }

    public SortedMap<String, byte[]> userProperties() {
        return table.properties().userProperties();
    }

    /** The records of a range in key order. */
    public Iterator<EntryRecord> entries() {
        require(GravelerFileType.RANGES);
        return map(table.iterator(), this::toEntryRecord);
    }

    /** The records of a range from the first key at or after {@code key}. */
    public Iterator<EntryRecord> entriesFrom(String key) {
        require(GravelerFileType.RANGES);
        return map(table.seek(Utf8.encode(key, "key " + key)), this::toEntryRecord);
    }

    /** The records of a metarange: its ranges in key order. */
    public Iterator<RangeInfo> ranges() {
        require(GravelerFileType.METARANGES);
        return map(table.iterator(), this::toRangeInfo);
    }

    /** The range of a metarange that would hold {@code key}: the first whose max key is at least it. */
    public Optional<RangeInfo> rangeFor(byte[] key) {
        require(GravelerFileType.METARANGES);
        Iterator<TableRecord> it = table.seek(key);
        return it.hasNext() ? Optional.of(toRangeInfo(it.next())) : Optional.empty();
    }

    /**
     * The ID lakeFS names this file by, recomputed from its records and the user properties it had
     * before closing (all but {@code min_key}, {@code max_key}, {@code count}, {@code estimated_size_bytes}).
     * Reads the whole file.
     */
    public String computeId() {
        if (type.isEmpty()) {
            throw notGraveler();
        }
        TableIdHasher hasher = new TableIdHasher();
        for (Iterator<TableRecord> it = table.iterator(); it.hasNext(); ) {
            TableRecord record = it.next();
            hasher.addRecord(setRecordKey(record), record.value());
        }
        List<byte[][]> hashed = new ArrayList<>();
        userProperties().forEach((name, value) -> {
            if (!GravelerProperties.NOT_HASHED.contains(name)) {
                hashed.add(new byte[][] {name.getBytes(StandardCharsets.UTF_8), value});
            }
        });
        return hasher.finish(hashed);
    }

    private EntryRecord toEntryRecord(TableRecord record) {
        byte[] key = setRecordKey(record);
        try {
            GravelerValue value = GravelerValue.decode(record.value());
            return new EntryRecord(Utf8.decode(key, "the key"), EntryCodec.decode(value.data()), value.identity());
        } catch (CorruptDataException e) {
            throw recordCorrupt(key, e);
        }
    }

    private RangeInfo toRangeInfo(TableRecord record) {
        byte[] key = setRecordKey(record);
        try {
            GravelerValue value = GravelerValue.decode(record.value());
            String id = new String(value.identity(), StandardCharsets.US_ASCII);
            if (!RangeId.RULE.accepts(id)) {
                throw new CorruptDataException("range ID \"" + Printable.bytes(value.identity())
                        + "\" is not 64 lowercase hex characters");
            }
            return RangeDataCodec.decode(RangeId.of(id), value.data());
        } catch (CorruptDataException e) {
            throw recordCorrupt(key, e);
        }
    }

    private byte[] setRecordKey(TableRecord record) {
        InternalKey key = record.key();
        if (key.kind() != InternalKey.KIND_SET) {
            throw recordCorrupt(key.userKey(), new CorruptDataException("record kind " + key.kind()
                    + " where lakeFS writes only SET (1)"));
        }
        return key.userKey();
    }

    private CorruptDataException recordCorrupt(byte[] key, CorruptDataException cause) {
        return new CorruptDataException(name() + ": record " + Printable.bytes(key) + ": " + cause.getMessage()
                + "; the file is corrupt and is not read further", cause);
    }

    private void require(GravelerFileType expected) {
        if (type.isEmpty()) {
            throw notGraveler();
        }
        if (type.get() != expected) {
            throw new CorruptDataException(name() + " holds " + type.get().propertyValue() + ", not "
                    + expected.propertyValue() + "; it is not read as such");
        }
    }

    private CorruptDataException notGraveler() {
        return new CorruptDataException(name() + " is an SSTable but not a lakeFS range or metarange (its "
                + GravelerProperties.TYPE + " property is "
                + table.properties().get(GravelerProperties.TYPE).map(v -> "\"" + Printable.bytes(v) + "\"").orElse("missing")
                + "); it is not read as one");
    }

    private static <T> Iterator<T> map(Iterator<TableRecord> records, Function<TableRecord, T> decode) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public T next() {
                return decode.apply(records.next());
            }
        };
    }
}
