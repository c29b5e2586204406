package io.lakemirror.validator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one check of a head's metadata files found.
 *
 * @param missingCount       files not present (metarange, ranges and, in strict mode, data objects)
 * @param firstMissing       the first few of them as bucket keys, in metarange order
 * @param requests           HEAD and GET requests made to the bucket
 * @param cacheHits          ranges skipped because the presence cache knew them
 * @param fullAddresses      strict mode: entries with FULL addresses outside the namespace (not checked)
 * @param fullAddressExample one of those addresses, for the warning
 */
record HeadCheck(long missingCount, List<String> firstMissing, int requests, int cacheHits, long fullAddresses,
                 Optional<String> fullAddressExample) {

    HeadCheck {
        firstMissing = List.copyOf(firstMissing);
    }

    /** The check of a commit without metarange (a repository's initial commit): nothing to wait for. */
    static HeadCheck nothingToCheck() {
        return new HeadCheck(0, List.of(), 0, 0, 0, Optional.empty());
    }

    boolean complete() {
        return missingCount == 0;
    }

    /** Accumulates one check; not thread-safe except {@link #request()}, which pool threads call. */
    static final class Tally {
        private final int keysReported;
        private final List<String> firstMissing = new ArrayList<>();
        private final AtomicInteger requests = new AtomicInteger();
        private long missingCount;
        private int cacheHits;
        private long fullAddresses;
        private String fullAddressExample;

        Tally(int keysReported) {
            this.keysReported = keysReported;
        }

        void request() {
            requests.incrementAndGet();
        }

        void missing(String key) {
            missingCount++;
            if (firstMissing.size() < keysReported) {
                firstMissing.add(key);
            }
        }

        void cacheHits(int count) {
            cacheHits += count;
        }

        void fullAddress(String address) {
            fullAddresses++;
            if (fullAddressExample == null) {
                fullAddressExample = address;
            }
        }

        long missingCount() {
            return missingCount;
        }

        HeadCheck result() {
            return new HeadCheck(missingCount, firstMissing, requests.get(), cacheHits, fullAddresses,
                    Optional.ofNullable(fullAddressExample));
        }
    }
}
