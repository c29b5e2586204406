package io.lakemirror.graveler.inspect;

import io.lakemirror.graveler.GravelerFileType;
import io.lakemirror.graveler.sstable.Footer;
import io.lakemirror.graveler.sstable.IndexType;
import io.lakemirror.graveler.sstable.SstableProperties;
import java.util.List;
import java.util.Optional;

/**
 * What {@code graveler inspect} reports about one SSTable.
 *
 * @param file           the file's name
 * @param sizeBytes      its length
 * @param footer         the decoded footer
 * @param indexType      single-level or two-level
 * @param metaIndexNames metaindex entries (properties, filters, range deletions)
 * @param properties     every table property
 * @param recordCount    point records found by a full scan
 * @param firstKey       first user key, empty for an empty table
 * @param lastKey        last user key, empty for an empty table
 * @param type           range or metarange; empty for other tables
 * @param computedId     the ID lakeFS would name a graveler file by
 * @param warnings       oddities that do not stop reading (a stale property, identities from an older lakeFS)
 */
public record TableSummary(String file, long sizeBytes, Footer footer, IndexType indexType, List<String> metaIndexNames,
                           SstableProperties properties, long recordCount, Optional<byte[]> firstKey,
                           Optional<byte[]> lastKey, Optional<GravelerFileType> type, Optional<String> computedId,
                           List<String> warnings) {
    public TableSummary {
        metaIndexNames = List.copyOf(metaIndexNames);
        warnings = List.copyOf(warnings);
    }
}
