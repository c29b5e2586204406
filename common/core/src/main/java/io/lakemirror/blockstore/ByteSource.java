package io.lakemirror.blockstore;

import java.nio.file.Path;

/**
 * Random read access to one stored file (a range or metarange SSTable): a local file, an array, or
 * ranged GETs of an object in a bucket. The codec asks for few, block-sized or readahead-sized
 * pieces and never for the whole object up front, so an implementation may map each call to one
 * request.
 *
 * <p>Failures of the underlying storage are thrown as the implementation sees fit (an S3 adapter
 * throws the domain's {@code RetryableException} or {@code NotFoundException}); the codec passes
 * them through untouched and reports bad bytes as {@code CorruptDataException}.
 * Implementations must be safe for concurrent reads.
 */
public interface ByteSource {

    /** Names the file in messages (a path or an object key). */
    String name();

    /** The file's length in bytes. */
    long size();

    /**
     * Reads {@code length} bytes starting at {@code offset}. Returns fewer only when the file ends
     * first; the codec treats a short read as a truncated file.
     */
    byte[] read(long offset, int length);

    /** A local file; its size is taken now, each read opens it anew, so nothing needs closing. */
    static ByteSource of(Path file) {
        return new FileByteSource(file);
    }

    /** Bytes already in memory; not copied, so do not change them while reading. */
    static ByteSource of(String name, byte[] bytes) {
        return new ArrayByteSource(name, bytes);
    }
}
