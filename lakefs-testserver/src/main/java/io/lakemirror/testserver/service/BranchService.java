package io.lakemirror.testserver.service;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.testserver.model.BranchState;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.model.RefResolver;
import io.lakemirror.testserver.model.RepositoryState;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** Branches: list, create, delete, and the resets. Writes run under the repository's write lock. */
public final class BranchService {
    private final RepositoryService repositories;
    private final Optional<Hooks> hooks;

    public BranchService(RepositoryService repositories) {
        this(repositories, Optional.empty());
    }

    /** With {@code hooks}, pre-create-branch hooks run on writable repositories as in lakeFS. */
    public BranchService(RepositoryService repositories, Optional<Hooks> hooks) {
        this.repositories = repositories;
        this.hooks = hooks;
    }

    /** Branches in name order; hidden ones only when asked. */
    public Paged<BranchState> list(String repository, String prefix, String after, int amount, boolean showHidden) {
        RepositoryState repo = repositories.get(repository);
        NavigableMap<String, BranchState> branches = repo.branches();
        if (!showHidden) {
            TreeMap<String, BranchState> visible = new TreeMap<>();
            branches.forEach((name, b) -> {
                if (!b.hidden()) {
                    visible.put(name, b);
                }
            });
            branches = visible;
        }
        return Paged.of(branches, prefix, after, amount);
    }

    public BranchState get(String repository, BranchId branch) {
        return repositories.get(repository).branch(branch);
    }

    /** Creates {@code branch} at the commit {@code source} resolves to and returns that commit. */
    public CommitId create(String repository, BranchId branch, String source, boolean force, boolean hidden) {
        RepositoryState repo = repositories.get(repository);
        return repo.write(() -> {
            repo.checkWritable(force);
            if (repo.branches().containsKey(branch.value())) {
                throw LakeFsError.notUnique("branch");
            }
            CommitId commit = RefResolver.resolve(repo, source).commit();
            if (!repo.readOnly()) {
                hooks.ifPresent(h -> h.preCreateBranch(repo, branch, source, repo.commit(commit)));
            }
            repo.branches().put(branch.value(), BranchState.create(branch, commit, hidden));
            return commit;
        });
    }

    /** Deletes a branch with its uncommitted changes; never the default branch. */
    public void delete(String repository, BranchId branch, boolean force) {
        RepositoryState repo = repositories.get(repository);
        repo.write(() -> {
            repo.checkWritable(force);
            if (repositories.real().lakeFsDeletionOrder()) {
                // pkg/graveler/graveler.go DeleteBranch: the default branch is refused before it is looked up.
                if (branch.equals(repo.defaultBranch())) {
                    throw LakeFsError.forbidden("cannot delete repository default branch");
                }
                repo.branch(branch);
            } else {
                repo.branch(branch);
                if (branch.equals(repo.defaultBranch())) {
                    throw LakeFsError.forbidden("cannot delete repository default branch");
                }
            }
            repo.branches().remove(branch.value());
            return null;
        });
    }

    /** Points the branch at {@code ref}; refuses uncommitted changes, as lakeFS does even with force. */
    public void hardReset(String repository, BranchId branch, String ref, boolean force) {
        RepositoryState repo = repositories.get(repository);
        repo.write(() -> {
            repo.checkWritable(force);
            BranchState current = repo.branch(branch);
            CommitId target = RefResolver.resolve(repo, ref).commit();
            if (current.dirty()) {
                throw LakeFsError.badRequest("uncommitted changes (dirty branch)");
            }
            repo.branches().put(branch.value(), current.withHead(target));
            return null;
        });
    }

    /**
     * Drops uncommitted changes ({@code PUT /branches/{b}}): all of them ({@code reset}), one path
     * ({@code object}) or every path under a prefix ({@code common_prefix}).
     */
    public void resetStaging(String repository, BranchId branch, String type, String path, boolean force) {
        RepositoryState repo = repositories.get(repository);
        repo.write(() -> {
            repo.checkWritable(force);
            BranchState b = repo.branch(branch);
            switch (type) {
                case "reset" -> b.staging().clear();
                case "object" -> b.staging().remove(path);
                case "common_prefix" -> b.staging().keySet().removeIf(k -> k.startsWith(path));
                default -> throw LakeFsError.badRequest("reset type must be one of object, common_prefix, reset");
            }
            return null;
        });
    }
}
