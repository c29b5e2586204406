package io.lakemirror.graveler.inspect;

import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerFile;
import io.lakemirror.graveler.GravelerFileType;
import io.lakemirror.graveler.GravelerProperties;
import io.lakemirror.graveler.sstable.Printable;
import io.lakemirror.graveler.sstable.SstableReader;
import io.lakemirror.graveler.sstable.TableRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Reads a whole SSTable and summarizes it. For lakeFS files it also recomputes the ID and reports
 * what does not add up (properties that disagree with the records, entry identities from an older
 * identity algorithm) as warnings rather than hiding them or failing.
 */
public final class TableInspector {
    private TableInspector() {
    }

    public static TableSummary summarize(ByteSource source) {
        GravelerFile file = GravelerFile.open(source);
        SstableReader table = file.table();
        long count = 0;
        byte[] first = null;
        byte[] last = null;
        for (Iterator<TableRecord> it = table.iterator(); it.hasNext(); ) {
            last = it.next().key().userKey();
            if (first == null) {
                first = last;
            }
            count++;
        }
        List<String> warnings = new ArrayList<>();
        Optional<String> id = Optional.empty();
        if (file.type().isPresent()) {
            id = Optional.of(file.computeId());
            checkProperty(file, GravelerProperties.MIN_KEY, first, "first key", warnings);
            checkProperty(file, GravelerProperties.MAX_KEY, last, "last key", warnings);
            checkProperty(file, GravelerProperties.COUNT, Long.toString(count).getBytes(StandardCharsets.US_ASCII),
                    "record count", warnings);
            if (file.type().get() == GravelerFileType.RANGES) {
                checkIdentities(file, count, warnings);
            }
        }
        List<String> metaIndex = new ArrayList<>();
        table.metaIndexNames().forEach(metaIndex::add);
        return new TableSummary(table.name(), table.size(), table.footer(), table.indexType(), metaIndex,
                table.properties(), count, Optional.ofNullable(first), Optional.ofNullable(last), file.type(), id,
                warnings);
    }

    private static void checkProperty(GravelerFile file, String name, byte[] actual, String what, List<String> warnings) {
        Optional<byte[]> stored = Optional.ofNullable(file.userProperties().get(name));
        if (actual == null || stored.isEmpty()) {
            return;
        }
        if (!Arrays.equals(stored.get(), actual)) {
            warnings.add("property " + name + " is " + Printable.bytes(stored.get()) + " but the " + what + " is "
                    + Printable.bytes(actual) + " (lakeFS never reads this property back)");
        }
    }

    private static void checkIdentities(GravelerFile file, long count, List<String> warnings) {
        long mismatched = 0;
        for (Iterator<EntryRecord> it = file.entries(); it.hasNext(); ) {
            if (!it.next().identityMatchesEntry()) {
                mismatched++;
            }
        }
        if (mismatched > 0) {
            warnings.add(mismatched + " of " + count + " entry identities differ from the current lakeFS identity"
                    + " algorithm (written by an older lakeFS; they are reported as stored)");
        }
    }
}
