package io.lakemirror.graveler.sstable;

import java.util.Arrays;

/**
 * Builds one block: each key is stored as the length it shares with the previous key plus the rest,
 * except every {@code restartInterval}-th key, which is stored whole and listed in the restart array.
 */
final class BlockBuilder {
    /** Bytes of an empty block's estimate: its restart count. */
    private static final int COUNT_LENGTH = 4;

    private final int restartInterval;
    private final ByteWriter buffer = new ByteWriter(4096 + 512);
    private int[] restarts = new int[16];
    private int restartCount;
    private int entries;
    private byte[] lastKey = new byte[0];

    BlockBuilder(int restartInterval) {
        this.restartInterval = restartInterval;
    }

    void add(byte[] key, byte[] value) {
        int shared = 0;
        if (entries % restartInterval == 0) {
            if (restartCount == restarts.length) {
                restarts = Arrays.copyOf(restarts, restartCount * 2);
            }
            restarts[restartCount++] = buffer.size();
        } else {
            int limit = Math.min(lastKey.length, key.length);
            int mismatch = Arrays.mismatch(lastKey, 0, limit, key, 0, limit);
            shared = mismatch < 0 ? limit : mismatch;
        }
        buffer.writeUvarint(shared).writeUvarint(key.length - shared).writeUvarint(value.length);
        buffer.write(key, shared, key.length - shared).write(value);
        lastKey = key;
        entries++;
    }

    /** Size of the finished block if it were finished now (pebble's estimate, which lakeFS records). */
    int estimatedSize() {
        return buffer.size() + 4 * restartCount + COUNT_LENGTH;
    }

    /**
     * Whether adding an entry of these sizes should start a new block first: pebble's rule, which
     * fills blocks to about {@code targetSize} and stops early once past {@code threshold} when the
     * entry would overshoot.
     */
    boolean shouldFlushBefore(int keyLength, int valueLength, int targetSize, int threshold) {
        if (entries == 0) {
            return false;
        }
        int size = estimatedSize();
        if (size >= targetSize) {
            return true;
        }
        if (size <= threshold) {
            return false;
        }
        long newSize = (long) size + keyLength + valueLength;
        if (entries % restartInterval == 0) {
            newSize += 4;
        }
        newSize += 4 + ByteWriter.uvarintLength(keyLength) + ByteWriter.uvarintLength(valueLength);
        return newSize > targetSize;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    int entryCount() {
        return entries;
    }

    /** The last key added. */
    byte[] lastKey() {
        return lastKey;
    }

    /** The block contents (entries, restart array, count); the builder is empty afterwards. */
    byte[] finish() {
        if (restartCount == 0) {
            restarts[restartCount++] = 0;
        }
        for (int i = 0; i < restartCount; i++) {
            buffer.writeFixed32LE(restarts[i]);
        }
        buffer.writeFixed32LE(restartCount);
        byte[] contents = buffer.toByteArray();
        buffer.reset();
        restartCount = 0;
        entries = 0;
        lastKey = new byte[0];
        return contents;
    }
}
