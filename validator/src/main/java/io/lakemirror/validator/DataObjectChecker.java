package io.lakemirror.validator;

import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RangeId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Strict mode: checks that the data objects a range lists are in the namespace. Objects at RELATIVE
 * addresses (and FULL addresses inside the namespace) are HEADed in batches; FULL addresses
 * elsewhere, such as imported objects, are outside what bucket replication copies: they are counted
 * for a warning and never waited for, because no amount of waiting would bring them.
 */
final class DataObjectChecker {
    /** Entries whose objects are HEADed together; bounds memory for ranges of any size. */
    static final int BATCH = 1000;

    private final BlockStore store;
    private final FileLookups lookups;
    private final ValidatorMetrics metrics;

    DataObjectChecker(BlockStore store, FileLookups lookups, ValidatorMetrics metrics) {
        this.store = store;
        this.lookups = lookups;
        this.metrics = metrics;
    }

    /**
     * Reads range {@code id} (present, {@code size} bytes) and HEADs its objects, adding missing ones
     * and FULL addresses to {@code tally}.
     *
     * @return whether every object it could check is present
     * @throws CorruptDataException naming the range's key when its bytes are bad
     */
    boolean check(StorageNamespace ns, RangeId id, long size, HeadCheck.Tally tally) {
        String bucket = ns.bucket();
        String rangeKey = ns.metadataKey(id);
        tally.request();
        metrics.fileRequest("range", "get");
        long missingBefore = tally.missingCount();
        List<String> batch = new ArrayList<>(BATCH);
        try {
            Iterator<EntryRecord> entries = GravelerReader.readRange(store.open(bucket, rangeKey, size));
            while (entries.hasNext()) {
                Entry entry = entries.next().entry();
                Optional<String> key = keyInNamespace(ns, entry);
                if (key.isEmpty()) {
                    tally.fullAddress(entry.address());
                    continue;
                }
                batch.add(key.get());
                if (batch.size() == BATCH) {
                    headBatch(bucket, batch, tally);
                    batch.clear();
                }
            }
        } catch (NotFoundException e) {
            // Vanished between HEAD and read: as good as missing, and then none of its objects were checked.
            tally.missing(rangeKey);
            return false;
        } catch (CorruptDataException e) {
            throw new CorruptDataException("range " + id + " at s3://" + bucket + "/" + rangeKey + " is corrupt ("
                    + e.getMessage() + "); it is checked again later in case it is still being replicated", e);
        }
        headBatch(bucket, batch, tally);
        return tally.missingCount() == missingBefore;
    }

    private void headBatch(String bucket, List<String> keys, HeadCheck.Tally tally) {
        if (keys.isEmpty()) {
            return;
        }
        Map<String, Optional<Long>> sizes = lookups.head(bucket, keys, k -> {
            tally.request();
            metrics.fileRequest("object", "head");
        });
        sizes.forEach((key, objectSize) -> {
            if (objectSize.isEmpty()) {
                tally.missing(key);
            }
        });
    }

    /**
     * The bucket key of an entry's object when it lies in {@code ns}: RELATIVE addresses always, FULL
     * (and deprecated by-prefix) addresses when they start with the namespace.
     */
    static Optional<String> keyInNamespace(StorageNamespace ns, Entry entry) {
        String address = entry.address();
        if (entry.addressType() == Entry.AddressType.RELATIVE) {
            return Optional.of(ns.key(address));
        }
        String inside = ns.value() + "/";
        if (address.startsWith(inside)) {
            return Optional.of(ns.key(address.substring(inside.length())));
        }
        if (entry.addressType() == Entry.AddressType.BY_PREFIX_DEPRECATED && !address.contains("://")) {
            return Optional.of(ns.key(address));
        }
        return Optional.empty();
    }
}
