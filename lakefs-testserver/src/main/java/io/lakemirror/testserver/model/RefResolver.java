package io.lakemirror.testserver.model;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves lakeFS ref expressions: a base (full commit ID, branch, tag, then a unique commit-ID
 * prefix, in that order) followed by {@code ~N} (N-th first-parent ancestor) and {@code ^N} (N-th
 * parent) modifiers, optionally ending in {@code @} (a branch's committed state, without staging)
 * or {@code $} (with staging, the default for a plain branch name).
 */
public final class RefResolver {
    private static final Pattern FULL_ID = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern ID_PREFIX = Pattern.compile("^[0-9a-f]{6,63}$");
    private static final Pattern MODIFIER = Pattern.compile("([~^])(\\d*)");

    private RefResolver() {
    }

    public static ResolvedRef resolve(RepositoryState repo, String ref) {
        if (ref.isEmpty() || ref.chars().anyMatch(Character::isWhitespace)) {
            throw LakeFsError.badRequest("invalid ref: " + ref);
        }
        String expression = ref;
        boolean committedOnly = false;
        if (expression.endsWith("@") || expression.endsWith("$")) {
            committedOnly = expression.endsWith("@");
            expression = expression.substring(0, expression.length() - 1);
        }
        int cut = firstModifier(expression);
        String base = expression.substring(0, cut);
        String modifiers = expression.substring(cut);
        if (base.isEmpty()) {
            throw LakeFsError.badRequest("invalid ref: " + ref);
        }
        ResolvedRef resolved = resolveBase(repo, base);
        if (modifiers.isEmpty()) {
            return committedOnly ? new ResolvedRef(resolved.commit(), Optional.empty()) : resolved;
        }
        CommitId commit = resolved.commit();
        Matcher m = MODIFIER.matcher(modifiers);
        int at = 0;
        while (at < modifiers.length()) {
            if (!m.find(at) || m.start() != at) {
                throw LakeFsError.badRequest("invalid ref: " + ref);
            }
            int n = m.group(2).isEmpty() ? 1 : Integer.parseInt(m.group(2));
            commit = m.group(1).equals("~") ? firstParentAncestor(repo, commit, n) : nthParent(repo, commit, n);
            at = m.end();
        }
        return new ResolvedRef(commit, Optional.empty());
    }

    private static int firstModifier(String expression) {
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '~' || c == '^') {
                return i;
            }
        }
        return expression.length();
    }

    private static ResolvedRef resolveBase(RepositoryState repo, String base) {
        if (FULL_ID.matcher(base).matches()) {
            CommitId id = CommitId.of(base);
            // lakeFS looks a full ID up through GetCommit, so its commit cache answers here too.
            if (repo.findCommit(id).isPresent()) {
                return new ResolvedRef(id, Optional.empty());
            }
        }
        BranchState branch = repo.branches().get(base);
        if (branch != null) {
            return new ResolvedRef(branch.head(), Optional.of(branch));
        }
        CommitId tagged = repo.tags().get(base);
        if (tagged != null) {
            return new ResolvedRef(tagged, Optional.empty());
        }
        if (ID_PREFIX.matcher(base).matches()) {
            CommitId found = null;
            for (CommitId id : repo.commits().keySet()) {
                if (id.value().startsWith(base)) {
                    if (found != null) {
                        throw LakeFsError.badRequest("commit id prefix " + base + " is ambiguous");
                    }
                    found = id;
                }
            }
            if (found != null) {
                return new ResolvedRef(found, Optional.empty());
            }
        }
        throw LakeFsError.notFound("not found");
    }

    private static CommitId firstParentAncestor(RepositoryState repo, CommitId from, int generations) {
        CommitId at = from;
        for (int i = 0; i < generations; i++) {
            CommitRecord c = repo.commit(at);
            if (c.parents().isEmpty()) {
                throw LakeFsError.notFound("not found");
            }
            at = c.parents().get(0);
        }
        return at;
    }

    private static CommitId nthParent(RepositoryState repo, CommitId from, int n) {
        if (n == 0) {
            return from;
        }
        CommitRecord c = repo.commit(from);
        if (n > c.parents().size()) {
            throw LakeFsError.notFound("not found");
        }
        return c.parents().get(n - 1);
    }
}
