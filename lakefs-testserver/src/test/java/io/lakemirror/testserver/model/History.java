package io.lakemirror.testserver.model;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hand-built commit graphs for the model's unit tests: commit "x" has ID "x" padded with zeros. */
final class History {
    final RepositoryState repo = new RepositoryState(RepositoryId.of("repo"), StorageNamespace.of("s3://bucket/repo"),
            BranchId.of("main"), Instant.EPOCH, false);

    static CommitId id(String name) {
        return CommitId.of(name + "0".repeat(64 - name.length()));
    }

    /** Adds commit {@code name} created at {@code second} with the given parents (first = main parent). */
    History commit(String name, long second, String... parents) {
        List<CommitId> p = Arrays.stream(parents).map(History::id).toList();
        long generation = p.stream().mapToLong(c -> repo.commit(c).generation()).max().orElse(0) + 1;
        repo.commits().put(id(name), new CommitRecord(id(name), p, "tester", "commit " + name, Optional.empty(),
                Instant.ofEpochSecond(second), Map.of(), generation, 1));
        return this;
    }

    History branch(String name, String commit) {
        repo.branches().put(name, BranchState.create(BranchId.of(name), id(commit), false));
        return this;
    }

    History tag(String name, String commit) {
        repo.tags().put(name, id(commit));
        return this;
    }
}
