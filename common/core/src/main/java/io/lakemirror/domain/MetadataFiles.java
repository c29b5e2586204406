package io.lakemirror.domain;

/** Where lakeFS keeps ranges and metaranges inside a storage namespace (flat, one prefix for both). */
public final class MetadataFiles {
    /** lakeFS's {@code committed.block_storage_prefix} default, with the separator. */
    public static final String PREFIX = "_lakefs/";

    private MetadataFiles() {
    }
}
