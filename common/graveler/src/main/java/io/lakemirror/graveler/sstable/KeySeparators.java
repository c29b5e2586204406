package io.lakemirror.graveler.sstable;

import java.util.Arrays;

/**
 * Short index keys for the bytewise order: a separator sorts at or after every key of a block and
 * before every key of the next one, so the index need not repeat whole keys.
 */
final class KeySeparators {
    private KeySeparators() {
    }

    /** The index key between {@code last} (the block's last user key) and {@code next}, as an internal key. */
    static byte[] between(byte[] last, byte[] next) {
        return asIndexKey(last, shortestBetween(last, next));
    }

    /** The index key after the table's last user key. */
    static byte[] after(byte[] last) {
        return asIndexKey(last, shortSuccessor(last));
    }

    /** A short user key {@code s} with {@code a <= s < b}; {@code a} itself when none is shorter. */
    static byte[] shortestBetween(byte[] a, byte[] b) {
        int limit = Math.min(a.length, b.length);
        int mismatch = Arrays.mismatch(a, 0, limit, b, 0, limit);
        if (mismatch < 0) {
            return a;
        }
        int i = mismatch;
        int ai = a[i] & 0xff;
        int bi = b[i] & 0xff;
        if (ai >= bi) {
            return a;
        }
        if (ai + 1 < bi || i < b.length - 1) {
            return incrementedPrefix(a, i);
        }
        // Incrementing a[i] would give b itself: keep a[i] and bump the first later byte that can grow.
        for (int j = i + 1; j < a.length; j++) {
            if ((a[j] & 0xff) != 0xff) {
                return incrementedPrefix(a, j);
            }
        }
        return a;
    }

    /** A short user key at or after {@code a}: its first byte below 0xff, incremented. */
    static byte[] shortSuccessor(byte[] a) {
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & 0xff) != 0xff) {
                return incrementedPrefix(a, i);
            }
        }
        return a;
    }

    private static byte[] incrementedPrefix(byte[] a, int last) {
        byte[] prefix = Arrays.copyOf(a, last + 1);
        prefix[last]++;
        return prefix;
    }

    /**
     * A shortened key gets the largest trailer so that it sorts after every version of that user key,
     * as LevelDB, RocksDB and pebble do; an unshortened one is the block's last key itself.
     */
    private static byte[] asIndexKey(byte[] last, byte[] candidate) {
        if (candidate.length <= last.length && Arrays.compareUnsigned(last, candidate) < 0) {
            return new InternalKey(candidate, InternalKey.MAX_SEQUENCE_NUMBER, InternalKey.KIND_SEPARATOR).encode();
        }
        return InternalKey.set(last).encode();
    }
}
