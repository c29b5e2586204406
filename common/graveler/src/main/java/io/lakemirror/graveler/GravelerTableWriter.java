package io.lakemirror.graveler;

import io.lakemirror.graveler.sstable.SstableWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one range or metarange: the SSTable, the lakeFS user properties and the ID, computed from
 * the records as they are added.
 */
final class GravelerTableWriter {
    private final GravelerFileType type;
    private final SstableWriter table = new SstableWriter();
    private final TableIdHasher idHasher = new TableIdHasher();
    private byte[] minKey;
    private byte[] maxKey;

    /** A finished file. {@code estimatedSizeAfterClose} is what lakeFS records as a range's {@code RangeData.estimated_size}. */
    record Finished(String id, byte[] bytes, byte[] minKey, byte[] maxKey, long count, long estimatedSizeAfterClose) {
    }

    GravelerTableWriter(GravelerFileType type) {
        this.type = type;
    }

    /** Adds a record; keys must be strictly increasing. */
    void add(byte[] key, byte[] value) {
        table.add(key, value);
        idHasher.addRecord(key, value);
        if (minKey == null) {
            minKey = key;
        }
        maxKey = key;
    }

    long estimatedSize() {
        return table.estimatedSize();
    }

    Finished finish() {
        byte[] typeValue = type.propertyValue().getBytes(StandardCharsets.US_ASCII);
        List<byte[][]> hashed = new ArrayList<>();
        hashed.add(new byte[][] {GravelerProperties.TYPE.getBytes(StandardCharsets.US_ASCII), typeValue});
        String id = idHasher.finish(hashed);

        long count = table.entryCount();
        Map<String, byte[]> properties = new LinkedHashMap<>();
        properties.put(GravelerProperties.TYPE, typeValue);
        if (count > 0) {
            properties.put(GravelerProperties.MIN_KEY, minKey);
            properties.put(GravelerProperties.MAX_KEY, maxKey);
        }
        properties.put(GravelerProperties.COUNT, ascii(count));
        properties.put(GravelerProperties.ESTIMATED_SIZE_BYTES, ascii(table.estimatedSize()));
        byte[] bytes = table.finish(properties);
        return new Finished(id, bytes, minKey, maxKey, count, table.estimatedSize());
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
