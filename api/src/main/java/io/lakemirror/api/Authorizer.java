package io.lakemirror.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.auth.CallerDirectory;
import io.lakemirror.auth.Grants;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.lakefs.policy.PolicyEvaluator;
import java.time.Duration;
import java.util.Optional;

/**
 * Evaluates the API's RBAC (docs/architecture.md §7) on the caller's grants from this region's
 * {@link CallerDirectory}, with lakeFS's wildcard and deny-over-allow semantics. Only a directory that
 * established OSS lakeFS (its basic auth service) grants everything; a lakeFS answering 501 never does.
 */
public final class Authorizer {
    private final CallerDirectory directory;
    private final Optional<Cache<UserId, Grants>> cache;

    public Authorizer(CallerDirectory directory, boolean cacheEnabled, int cacheSize, Duration cacheTtl) {
        this.directory = directory;
        this.cache = cacheEnabled
                ? Optional.of(Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build())
                : Optional.empty();
    }

    /**
     * @throws AuthorizationException with lakeFS's "insufficient permissions" wording when not allowed
     */
    public void authorize(Caller caller, Permission permission) {
        UserId user = caller.user().id();
        Grants grants = cache.map(c -> c.get(user, directory::grantsOf)).orElseGet(() -> directory.grantsOf(user));
        if (grants instanceof Grants.Everything) {
            return;
        }
        PolicyEvaluator.Result result = PolicyEvaluator.check(((Grants.Policies) grants).policies(), user, permission);
        if (!result.allowed()) {
            throw new AuthorizationException("insufficient permissions: " + result.explanation());
        }
    }
}
