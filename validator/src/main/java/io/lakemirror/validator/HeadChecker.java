package io.lakemirror.validator;

import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RangeId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.MetaRangeFiles;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a head's metarange and every range it lists are in a storage namespace (invariant I1),
 * and, in strict mode, the data objects of every range new to the namespace.
 *
 * <p>The metarange is HEADed (for its size) and read with the graveler codec. Ranges the refstore's
 * presence cache knows, checked within its TTL, are skipped; the rest are HEADed concurrently.
 * Metarange and range IDs are content addresses, so a file's bytes never change: every file found
 * is recorded in the cache at once, even when others are still missing, and a commit that changed
 * one range costs one HEAD and one read of its metarange plus one range HEAD. A range whose cached
 * presence has expired is HEADed again; when it is gone (deleted by a lifecycle rule, say) the
 * cache forgets it and the head waits for it like any missing file.
 *
 * <p>Bad bytes raise {@link CorruptDataException} naming the file's key, never "missing": the file
 * is there, and may be fixed by a replication still in progress, so callers retry it as an error.
 */
final class HeadChecker {
    private static final Logger LOG = LoggerFactory.getLogger(HeadChecker.class);

    private final BlockStore store;
    private final PresenceCache presence;
    private final FileLookups lookups;
    private final DataObjectChecker dataObjects;
    private final ValidatorMetrics metrics;
    private final Clock clock;
    private final int keysReported;
    private final boolean strict;

    HeadChecker(BlockStore store, PresenceCache presence, FileLookups lookups, ValidatorMetrics metrics, Clock clock,
                int keysReported, boolean strict) {
        this.store = store;
        this.presence = presence;
        this.lookups = lookups;
        this.dataObjects = new DataObjectChecker(store, lookups, metrics);
        this.metrics = metrics;
        this.clock = clock;
        this.keysReported = keysReported;
        this.strict = strict;
    }

    /** Checks the files of a head whose metarange is {@code metaRange} (empty: nothing to check). */
    HeadCheck check(StorageNamespace ns, Optional<MetaRangeId> metaRange) {
        if (metaRange.isEmpty()) {
            return HeadCheck.nothingToCheck();
        }
        return metrics.checkDuration().record(() -> checkMetaRange(ns, metaRange.get()));
    }

    private HeadCheck checkMetaRange(StorageNamespace ns, MetaRangeId metaRange) {
        HeadCheck.Tally tally = new HeadCheck.Tally(keysReported);
        String bucket = ns.bucket();
        String metaRangeKey = ns.metadataKey(metaRange);
        // The metarange part of the check is shared with the mirrors manager's tag pass (MetaRangeFiles).
        Optional<List<RangeId>> listed = MetaRangeFiles.ranges(store, ns, metaRange, (file, operation) -> {
            tally.request();
            metrics.fileRequest(file, operation);
        });
        if (listed.isEmpty()) {
            tally.missing(metaRangeKey);
            return tally.result();
        }
        List<RangeId> ranges = listed.get();
        List<String> ids = ranges.stream().map(RangeId::value).toList();
        PresenceCache.Lookup lookup = ranges.isEmpty() ? new PresenceCache.Lookup(Set.of(), Set.of())
                : presence.lookup(ns, ids);
        Set<String> known = lookup.fresh();
        tally.cacheHits(known.size());
        metrics.cacheHits(known.size());
        if (!lookup.expired().isEmpty()) {
            metrics.cacheExpired(lookup.expired().size());
        }

        List<RangeId> unknown = ranges.stream().filter(r -> !known.contains(r.value())).toList();
        Map<String, Optional<Long>> sizes = unknown.isEmpty() ? Map.of()
                : lookups.head(bucket, unknown.stream().map(ns::metadataKey).toList(), key -> {
                    tally.request();
                    metrics.fileRequest("range", "head");
                });

        List<String> nowPresent = new ArrayList<>();
        List<String> vanished = new ArrayList<>();
        nowPresent.add(metaRange.value());
        for (RangeId range : unknown) {
            Optional<Long> rangeSize = sizes.get(ns.metadataKey(range));
            if (rangeSize.isEmpty()) {
                tally.missing(ns.metadataKey(range));
                if (lookup.expired().contains(range.value())) {
                    vanished.add(range.value());
                }
            } else if (!strict || dataObjects.check(ns, range, rangeSize.get(), tally)) {
                // In strict mode a range counts as present only with its objects, so a later check
                // that skips it through the cache does not skip objects that were missing.
                nowPresent.add(range.value());
            }
        }
        presence.recordPresent(ns, nowPresent, clock.instant());
        if (!vanished.isEmpty()) {
            metrics.cacheForgotten(vanished.size());
            LOG.warn("{} range(s) of metarange {} known present in {} are gone (for example {}): forgotten, and"
                    + " waited for like any missing file", vanished.size(), metaRange, ns,
                    ns.metadataKey(RangeId.of(vanished.get(0))));
            presence.forget(ns, vanished);
        }
        HeadCheck result = tally.result();
        LOG.trace("Checked metarange {} in {}: {} range(s), {} known present, {} missing, {} request(s)",
                metaRange, ns, ranges.size(), known.size(), result.missingCount(), result.requests());
        return result;
    }
}
