package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;

/** The index layouts a reader understands, with their {@code rocksdb.block.based.table.index.type} codes. */
public enum IndexType {
    /** One index block: an entry per data block. */
    SINGLE_LEVEL(0, "single-level"),
    /** Index partitions, each like a single-level index, found through a top-level index. */
    TWO_LEVEL(2, "two-level");

    private final int code;
    private final String label;

    IndexType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    static IndexType ofCode(long code, String where) {
        for (IndexType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new CorruptDataException(where + ": index type " + code
                + " is not supported (only 0, single-level, and 2, two-level)");
    }
}
