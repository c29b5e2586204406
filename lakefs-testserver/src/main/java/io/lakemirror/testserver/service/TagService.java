package io.lakemirror.testserver.service;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.TagId;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.model.RefResolver;
import io.lakemirror.testserver.model.RepositoryState;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Tags: names for commits. */
public final class TagService {
    private final RepositoryService repositories;

    public TagService(RepositoryService repositories) {
        this.repositories = repositories;
    }

    public Paged<Map.Entry<String, CommitId>> list(String repository, String prefix, String after, int amount) {
        return Paged.of(entries(repositories.get(repository)), prefix, after, amount);
    }

    private static NavigableMap<String, Map.Entry<String, CommitId>> entries(RepositoryState repo) {
        TreeMap<String, Map.Entry<String, CommitId>> out = new TreeMap<>();
        repo.tags().forEach((name, commit) -> out.put(name, Map.entry(name, commit)));
        return out;
    }

    public CommitId get(String repository, TagId tag) {
        CommitId commit = repositories.get(repository).tags().get(tag.value());
        if (commit == null) {
            throw LakeFsError.notFound("tag not found");
        }
        return commit;
    }

    public CommitId create(String repository, TagId tag, String ref, boolean force) {
        RepositoryState repo = repositories.get(repository);
        return repo.write(() -> {
            repo.checkWritable(force);
            CommitId commit = RefResolver.resolve(repo, ref).commit();
            if (repo.tags().putIfAbsent(tag.value(), commit) != null) {
                throw LakeFsError.notUnique("tag");
            }
            return commit;
        });
    }

    public void delete(String repository, TagId tag, boolean force) {
        RepositoryState repo = repositories.get(repository);
        repo.write(() -> {
            repo.checkWritable(force);
            if (repo.tags().remove(tag.value()) == null) {
                throw LakeFsError.notFound("tag not found");
            }
            return null;
        });
    }
}
