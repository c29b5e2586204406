package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builders of valid store items for tests. */
public final class StoreFixtures {
    public static final Region SOURCE = Region.of("us-east-1");
    public static final Region DESTINATION = Region.of("eu-west-1");
    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private StoreFixtures() {
    }

    public static MirrorSpec spec(String id, String name) {
        return new MirrorSpec(MirrorId.of(id), RepositoryId.of(name), RepositoryId.of("source-repo"), SOURCE,
                DESTINATION, StorageNamespace.of("s3://bucket-eu/repos/source-repo"), BranchId.of("main"), T0,
                "admin", Optional.empty());
    }

    /** A commit ID made of one repeated hex digit pattern, from a small number. */
    public static CommitId commitId(int n) {
        return CommitId.of(String.format("%064x", n));
    }

    public static CommitRecord commit(int n, int... parents) {
        return new CommitRecord(commitId(n), java.util.Arrays.stream(parents).mapToObj(StoreFixtures::commitId).toList(),
                "committer", "commit " + n, Optional.of(MetaRangeId.of(String.format("%064x", 1_000_000 + n))),
                T0.plusSeconds(n), Map.of("n", Integer.toString(n)), n, 1);
    }

    public static BranchState.Validated validated(long sequence, int head) {
        return new BranchState.Validated(sequence, Optional.of(commitId(head)), T0, T0.plusSeconds(1), sequence);
    }

    public static BranchState.Waiting waiting(long sequence, int head, List<String> missing) {
        return new BranchState.Waiting(sequence, commitId(head), missing, T0, T0.plusSeconds(1), 1);
    }

    public static BranchState.Promoted promoted(long sequence, int head) {
        return new BranchState.Promoted(sequence, Optional.of(commitId(head)), T0.plusSeconds(2), sequence);
    }
}
