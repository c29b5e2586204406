package io.lakemirror.identity;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * lakeFS commit IDs ({@code commit:v1}): the hex SHA-256 of committer, message, metarange ID,
 * creation date in seconds, metadata and the digest of the parent list, in lakeFS's identity
 * encoding. Version and generation are not part of it.
 */
public final class CommitIds {
    private static final String VERSION_TAG = "commit:v1";

    private CommitIds() {
    }

    /** The ID lakeFS gives a commit with these fields; {@code metaRangeId} is empty for an initial commit. */
    public static String compute(String committer, String message, String metaRangeId, long creationDateEpochSeconds,
                                 Map<String, String> metadata, List<String> parents) {
        byte[] parentsIdentity = IdentityHasher.sha256().stringSlice(Objects.requireNonNull(parents, "parents")).digest();
        return IdentityHasher.sha256()
                .string(VERSION_TAG)
                .string(Objects.requireNonNull(committer, "committer"))
                .string(Objects.requireNonNull(message, "message"))
                .string(Objects.requireNonNull(metaRangeId, "metaRangeId"))
                .int64(creationDateEpochSeconds)
                .stringMap(Objects.requireNonNull(metadata, "metadata"))
                .identifiable(parentsIdentity)
                .hexDigest();
    }

    /** The ID computed from a commit's fields (not its {@code id()}, which this lets a caller check). */
    public static CommitId of(CommitRecord commit) {
        return CommitId.of(compute(commit.committer(), commit.message(),
                commit.metaRangeId().map(MetaRangeId::value).orElse(""), commit.creationDate().getEpochSecond(),
                commit.metadata(), commit.parents().stream().map(CommitId::value).toList()));
    }
}
