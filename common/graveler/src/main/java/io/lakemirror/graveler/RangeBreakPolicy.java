package io.lakemirror.graveler;

/**
 * Where lakeFS ends a range ({@code ShouldBreakAtKey} with its default {@code committed.*}
 * settings): never below the minimum size, always at the maximum, otherwise after a key whose
 * FNV-1a hash is a multiple of the raggedness. Because the choice depends on keys, not positions,
 * an unchanged stretch of keys falls into the same ranges commit after commit, and lakeFS reuses them.
 */
final class RangeBreakPolicy {
    static final long MIN_RANGE_SIZE_BYTES = 0;
    static final long MAX_RANGE_SIZE_BYTES = 20L * 1024 * 1024;
    static final long RANGE_RAGGEDNESS_ENTRIES = 50_000;

    private static final long FNV64_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;

    private RangeBreakPolicy() {
    }

    /** Whether the range should end after {@code key}, now that it holds about {@code estimatedSize} bytes. */
    static boolean shouldBreakAfter(byte[] key, long estimatedSize) {
        if (estimatedSize < MIN_RANGE_SIZE_BYTES) {
            return false;
        }
        if (estimatedSize >= MAX_RANGE_SIZE_BYTES) {
            return true;
        }
        return Long.remainderUnsigned(fnv1a64(key), RANGE_RAGGEDNESS_ENTRIES) == 0;
    }

    static long fnv1a64(byte[] bytes) {
        long hash = FNV64_OFFSET_BASIS;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= FNV64_PRIME;
        }
        return hash;
    }
}
