package io.lakemirror.graveler.sstable;

import io.lakemirror.domain.CorruptDataException;
import java.util.Arrays;

/**
 * Walks the entries of one {@link Block} in order, rebuilding each key from the previous one.
 * Seeking binary-searches the restart points, whose keys are stored whole, then scans forward.
 */
final class BlockIterator {
    private final Block block;
    private final byte[] contents;
    private byte[] key = new byte[64];
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int nextOffset;
    private boolean valid;

    BlockIterator(Block block) {
        this.block = block;
        this.contents = block.contents();
    }

    boolean valid() {
        return valid;
    }

    void seekToFirst() {
        keyLength = 0;
        nextOffset = 0;
        next();
    }

    /**
     * Positions at the first entry whose user key (the key without its 8-byte internal-key trailer
     * when {@code internalKeys}) is at least {@code userKey}.
     */
    void seekGE(byte[] userKey, boolean internalKeys) {
        if (block.entriesEnd() == 0) {
            valid = false;
            return;
        }
        int low = 0;
        int high = block.restartCount() - 1;
        // Find the last restart point whose key is below the target; the answer lies after it.
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            readEntryAt(block.restartOffset(mid), true);
            if (compareUserKey(userKey, internalKeys) < 0) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        keyLength = 0;
        nextOffset = block.restartOffset(low);
        for (next(); valid && compareUserKey(userKey, internalKeys) < 0; next()) {
            // scan to the first key >= target
        }
    }

    void next() {
        if (nextOffset >= block.entriesEnd()) {
            valid = false;
            return;
        }
        readEntryAt(nextOffset, false);
    }

    /** The current key; a fresh array. */
    byte[] key() {
        return Arrays.copyOf(key, keyLength);
    }

    /** The current value; a fresh array. */
    byte[] value() {
        return Arrays.copyOfRange(contents, valueOffset, valueOffset + valueLength);
    }

    /** A cursor over the current value, without copying it. */
    ByteCursor valueCursor() {
        return new ByteCursor(contents, valueOffset, valueOffset + valueLength);
    }

    private void readEntryAt(int offset, boolean atRestart) {
        ByteCursor in = new ByteCursor(contents, offset, block.entriesEnd());
        long shared;
        long unshared;
        long valueLen;
        try {
            shared = in.readUvarint32();
            unshared = in.readUvarint32();
            valueLen = in.readUvarint32();
        } catch (CorruptDataException e) {
            throw block.corrupt(e);
        }
        if (atRestart && shared != 0) {
            throw block.corrupt("entry at restart offset " + offset + " shares " + shared + " key bytes");
        }
        if (shared > keyLength) {
            throw block.corrupt("entry at offset " + offset + " shares " + shared + " bytes of a "
                    + keyLength + "-byte key");
        }
        if (unshared + valueLen > in.remaining()) {
            throw block.corrupt("entry at offset " + offset + " runs past the entries ("
                    + unshared + " key and " + valueLen + " value bytes)");
        }
        int newLength = (int) (shared + unshared);
        if (newLength > key.length) {
            key = Arrays.copyOf(key, Math.max(newLength, key.length * 2));
        }
        System.arraycopy(contents, in.position(), key, (int) shared, (int) unshared);
        keyLength = newLength;
        valueOffset = in.position() + (int) unshared;
        valueLength = (int) valueLen;
        nextOffset = valueOffset + valueLength;
        valid = true;
    }

    private int compareUserKey(byte[] target, boolean internalKeys) {
        int userLength = internalKeys ? keyLength - InternalKey.TRAILER_LENGTH : keyLength;
        if (userLength < 0) {
            throw block.corrupt("key of " + keyLength + " bytes is shorter than an internal-key trailer");
        }
        return Arrays.compareUnsigned(key, 0, userLength, target, 0, target.length);
    }
}
