package io.lakemirror.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.lakefs.policy.PolicyEvaluator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates the API's RBAC (docs/architecture.md §7) on the caller's effective lakeFS policies, with lakeFS's
 * wildcard and deny-over-allow semantics. Where lakeFS has no policy API (OSS lakeFS answers 501),
 * every authenticated user may do everything, as OSS lakeFS itself allows.
 */
public final class Authorizer {
    private final LakeFs lakeFs;
    private final Optional<Cache<UserId, PolicySet>> cache;

    /**
     * @param lakeFs this region's lakeFS, with credentials allowed to read users' policies
     */
    public Authorizer(LakeFs lakeFs, boolean cacheEnabled, int cacheSize, Duration cacheTtl) {
        this.lakeFs = lakeFs;
        this.cache = cacheEnabled
                ? Optional.of(Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build())
                : Optional.empty();
    }

    /**
     * @throws AuthorizationException with lakeFS's "insufficient permissions" wording when not allowed
     */
    public void authorize(Caller caller, Permission permission) {
        PolicySet policies = cache.map(c -> c.get(caller.user().id(), this::load)).orElseGet(() -> load(caller.user().id()));
        if (policies.everythingAllowed()) {
            return;
        }
        PolicyEvaluator.Result result = PolicyEvaluator.check(policies.policies(), caller.user().id(), permission);
        if (!result.allowed()) {
            throw new AuthorizationException("insufficient permissions: " + result.explanation());
        }
    }

    private PolicySet load(UserId user) {
        try {
            List<Policy> policies = Page.all(after -> lakeFs.effectivePolicies(user, PageRequest.largest().after(after))).toList();
            return new PolicySet(policies, false);
        } catch (NotImplementedException e) {
            return new PolicySet(List.of(), true);
        }
    }

    private record PolicySet(List<Policy> policies, boolean everythingAllowed) {
    }
}
