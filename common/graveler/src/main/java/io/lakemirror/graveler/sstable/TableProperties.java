package io.lakemirror.graveler.sstable;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code rocksdb.*} properties pebble writes with lakeFS's options, encoded for the properties block. */
record TableProperties(long entries, long dataBlocks, long dataSize, long rawKeySize, long rawValueSize,
                       IndexBuilder.Written index) {
    /** lakeFS configures Snappy; pebble reports the RocksDB defaults for the other codecs. */
    private static final String COMPRESSION_OPTIONS =
            "window_bits=-14; level=32767; strategy=0; max_dict_bytes=0; zstd_max_train_bytes=0; enabled=0; ";
    /** RocksDB's "unknown column family". */
    private static final long COLUMN_FAMILY_UNKNOWN = 2147483647L;
    /** Names lakeFS's property collector, which adds the user properties. */
    private static final String PROPERTY_COLLECTORS = "[static]";

    Map<String, byte[]> encode() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(SstableProperties.INDEX_TYPE, fixed32(index.type().code()));
        out.put("rocksdb.block.based.table.prefix.filtering", text("0"));
        out.put("rocksdb.block.based.table.whole.key.filtering", text("0"));
        out.put("rocksdb.column.family.id", uvarint(COLUMN_FAMILY_UNKNOWN));
        out.put(SstableProperties.COMPARATOR, text("leveldb.BytewiseComparator"));
        out.put("rocksdb.compression", text("Snappy"));
        out.put("rocksdb.compression_options", text(COMPRESSION_OPTIONS));
        out.put("rocksdb.creation.time", uvarint(0));
        out.put("rocksdb.data.size", uvarint(dataSize));
        out.put("rocksdb.deleted.keys", uvarint(0));
        out.put("rocksdb.external_sst_file.global_seqno", new ByteWriter(8).writeFixed64LE(0).toByteArray());
        out.put("rocksdb.external_sst_file.version", fixed32(2));
        out.put("rocksdb.filter.size", uvarint(0));
        out.put("rocksdb.fixed.key.length", uvarint(0));
        out.put("rocksdb.format.version", uvarint(0));
        out.put("rocksdb.index.key.is.user.key", uvarint(0));
        if (index.type() == IndexType.TWO_LEVEL) {
            out.put("rocksdb.index.partitions", uvarint(index.partitions()));
            out.put("rocksdb.top-level.index.size", uvarint(index.topLevelSize()));
        }
        out.put("rocksdb.index.size", uvarint(index.indexSize()));
        out.put("rocksdb.index.value.is.delta.encoded", uvarint(0));
        out.put("rocksdb.merge.operands", uvarint(0));
        out.put(SstableProperties.MERGE_OPERATOR, text("pebble.concatenate"));
        out.put(SstableProperties.NUM_DATA_BLOCKS, uvarint(dataBlocks));
        out.put(SstableProperties.NUM_ENTRIES, uvarint(entries));
        out.put(SstableProperties.NUM_RANGE_DELETIONS, uvarint(0));
        out.put("rocksdb.oldest.key.time", uvarint(0));
        out.put("rocksdb.prefix.extractor.name", text("nullptr"));
        out.put("rocksdb.property.collectors", text(PROPERTY_COLLECTORS));
        out.put("rocksdb.raw.key.size", uvarint(rawKeySize));
        out.put("rocksdb.raw.value.size", uvarint(rawValueSize));
        return out;
    }

    private static byte[] uvarint(long value) {
        return new ByteWriter(10).writeUvarint(value).toByteArray();
    }

    private static byte[] fixed32(int value) {
        return new ByteWriter(4).writeFixed32LE(value).toByteArray();
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
