package io.lakemirror.validator;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.Refstore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves the claim-checked commits of a message: records already in the refstore (a redelivery)
 * are reused when they hash to their ID; the others are read from the source lakeFS and accepted only when their fields hash
 * to the requested ID, so a mirror never stores a record that is not the source's commit.
 */
final class ClaimChecks {
    private final SourceCommits source;
    private final Refstore refstore;

    ClaimChecks(SourceCommits source, Refstore refstore) {
        this.source = source;
        this.refstore = refstore;
    }

    /**
     * The records of {@code ids}, in the order given.
     *
     * @throws UnverifiableCommitException when the source lacks a commit or returns one that does not hash to its ID
     */
    List<CommitRecord> resolve(MirrorSpec mirror, List<CommitId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<CommitId, Refstore.StoredCommit> stored = refstore.getCommits(mirror.id(), ids);
        List<CommitRecord> records = new ArrayList<>(ids.size());
        for (CommitId id : ids) {
            Refstore.StoredCommit known = stored.get(id);
            // A stored copy is reused only when it still hashes to its ID; otherwise the source's is read.
            boolean usable = known != null && CommitIds.of(known.commit()).equals(id);
            records.add(usable ? known.commit() : fetch(mirror, id));
        }
        return records;
    }

    private CommitRecord fetch(MirrorSpec mirror, CommitId id) {
        String where = "claim-checked commit " + id + " of " + mirror.sourceRepository() + "@" + mirror.sourceRegion();
        CommitRecord record;
        try {
            record = source.read(mirror, id);
        } catch (NotFoundException e) {
            throw new UnverifiableCommitException(where + " is not on the source lakeFS (" + e.getMessage() + ")", e);
        }
        verify(id, record, where);
        return record;
    }

    /** Accepts {@code record} only as the commit {@code requested}: same ID, and its fields hash to it. */
    static void verify(CommitId requested, CommitRecord record, String where) {
        if (!record.id().equals(requested)) {
            throw new UnverifiableCommitException(where + ": the source returned commit " + record.id() + " instead");
        }
        CommitId computed = CommitIds.of(record);
        if (!computed.equals(requested)) {
            throw new UnverifiableCommitException(where + ": its fields hash to " + computed
                    + ", not to its ID, so it is not stored");
        }
    }

    /** A claim-checked commit that cannot be read or verified: the message can never be completed. */
    static final class UnverifiableCommitException extends NonRetryableException {
        private static final long serialVersionUID = 1L;

        UnverifiableCommitException(String message) {
            super(message);
        }

        UnverifiableCommitException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
