package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/** Raw (unframed) Snappy block compression, with pebble's rule for when compressing is worth it. */
final class BlockCompression {
    /** No block of a graveler table comes near this; a larger claim means corrupt bytes, not a big block. */
    private static final int MAX_UNCOMPRESSED_LENGTH = 256 << 20;

    private BlockCompression() {
    }

    /** A block as stored: its bytes and the trailer's compression type. */
    record Stored(byte[] bytes, int type) {
    }

    /** Snappy-compresses {@code raw} only when that saves at least 12.5 %, as pebble does. */
    static Stored compressIfWorthwhile(byte[] raw) {
        try {
            byte[] compressed = Snappy.compress(raw);
            if (compressed.length < raw.length - raw.length / 8) {
                return new Stored(compressed, BlockTrailer.TYPE_SNAPPY);
            }
            return new Stored(raw, BlockTrailer.TYPE_NONE);
        } catch (IOException e) {
            throw new UncheckedIOException("snappy failed to compress a " + raw.length + "-byte block", e);
        }
    }

    /** The block contents for a stored block of the given trailer type. */
    static byte[] decompress(byte[] stored, int offset, int length, int type) {
        switch (type) {
            case BlockTrailer.TYPE_NONE:
                return Arrays.copyOfRange(stored, offset, offset + length);
            case BlockTrailer.TYPE_SNAPPY:
                try {
                    int uncompressed = Snappy.uncompressedLength(stored, offset, length);
                    if (uncompressed < 0 || uncompressed > MAX_UNCOMPRESSED_LENGTH) {
                        throw new CorruptDataException("snappy header claims " + uncompressed + " bytes");
                    }
                    byte[] out = new byte[uncompressed];
                    int written = Snappy.uncompress(stored, offset, length, out, 0);
                    if (written != uncompressed) {
                        throw new CorruptDataException("snappy produced " + written + " of " + uncompressed + " bytes");
                    }
                    return out;
                } catch (IOException e) {
                    throw new CorruptDataException("snappy cannot decompress it: " + e.getMessage(), e);
                }
            default:
                throw new CorruptDataException("compression type " + type + " is not supported (only none and snappy)");
        }
    }
}
