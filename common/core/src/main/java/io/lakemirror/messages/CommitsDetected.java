package io.lakemirror.messages;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One batch of a sequence the source sensor announces for a mirror branch (docs/architecture.md §5): the new
 * head (or the branch's deletion) and the commit records the mirror lacks, parents before children.
 * A sequence spans one or more batches sent in order to the same FIFO group; only the last one
 * asks the validator to admit the head.
 *
 * @param sequence     the branch's sequence number, monotonic per (mirror, branch)
 * @param batch        position of this batch in its sequence, from 0
 * @param lastBatch    whether this is the last batch of the sequence
 * @param head         the source head of this sequence; empty when the source branch was deleted
 * @param sensedAt     when the sensor first saw the head
 * @param commitsSent  the sensor's cumulative number of commits sent for this branch, at this sequence
 * @param commits      commit records new to the mirror, parents first
 * @param headCommit   on the last batch, the head's record when it is not in {@code commits} (sent before,
 *                     for example on another branch), so the validator can check it without a lookup
 * @param claimChecked commits too large for a message: the validator reads them from the source lakeFS
 *                     by ID and verifies them against their hash
 */
public record CommitsDetected(OrganizationId organizationId, MirrorId mirrorId, RepositoryId sourceRepository,
                              Region sourceRegion, Region destinationRegion, BranchId branch, long sequence,
                              int batch, boolean lastBatch, Optional<CommitId> head, Instant sensedAt,
                              long commitsSent, List<CommitRecord> commits, Optional<CommitRecord> headCommit,
                              List<CommitId> claimChecked) {

    /** Current schema version, written first in every message. */
    public static final int SCHEMA_VERSION = 1;
    /** SQS's limit on group and deduplication IDs. */
    public static final int MAX_QUEUE_ID = 128;

    public CommitsDetected {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(mirrorId, "mirrorId");
        Objects.requireNonNull(sourceRepository, "sourceRepository");
        Objects.requireNonNull(sourceRegion, "sourceRegion");
        Objects.requireNonNull(destinationRegion, "destinationRegion");
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(sensedAt, "sensedAt");
        commits = List.copyOf(commits);
        Objects.requireNonNull(headCommit, "headCommit");
        claimChecked = List.copyOf(claimChecked);
        if (sequence < 1 || batch < 0) {
            throw new IllegalArgumentException("sequence starts at 1 and batch at 0, got " + sequence + "/" + batch);
        }
        headCommit.ifPresent(h -> {
            if (head.isEmpty() || !h.id().equals(head.get())) {
                throw new IllegalArgumentException("headCommit " + h.id() + " is not the head " + head);
            }
        });
    }

    public boolean isDeletion() {
        return head.isEmpty();
    }

    /** The FIFO group: every batch of every sequence of one mirror branch, in order. */
    public String groupId() {
        return groupId(mirrorId, branch);
    }

    public static String groupId(MirrorId mirror, BranchId branch) {
        return mirror + "/" + shortBranch(branch, MAX_QUEUE_ID - mirror.value().length() - 1);
    }

    /** Derived from mirror, branch, sequence and batch: a resent batch is dropped by the queue. */
    public String deduplicationId() {
        String suffix = "/" + sequence + "/" + batch;
        return mirrorId + "/" + shortBranch(branch, MAX_QUEUE_ID - mirrorId.value().length() - 1 - suffix.length()) + suffix;
    }

    /**
     * The branch name, or a digest of it when the name would push a queue ID past SQS's 128-character
     * limit (lakeFS branch names have no length limit). Deterministic, so resends keep their IDs.
     */
    private static String shortBranch(BranchId branch, int room) {
        if (branch.value().length() <= room) {
            return branch.value();
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(branch.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The head's commit record, whichever field carries it. */
    public Optional<CommitRecord> headRecord() {
        if (headCommit.isPresent()) {
            return headCommit;
        }
        return head.flatMap(h -> commits.stream().filter(c -> c.id().equals(h)).findFirst());
    }

    @Override
    public String toString() {
        return "CommitsDetected[" + mirrorId + "/" + branch + " seq " + sequence + " batch " + batch
                + (lastBatch ? " (last)" : "") + " head " + head.map(CommitId::value).orElse("(deleted)")
                + ", " + commits.size() + " commits" + (claimChecked.isEmpty() ? "" : ", " + claimChecked.size() + " claim-checked") + "]";
    }
}
