package io.lakemirror.testserver.auth;

import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.lakefs.policy.PolicyEvaluator;
import io.lakemirror.testserver.model.LakeFsError;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what an endpoint needs. In OSS mode (no RBAC) every authenticated user may do
 * everything, as with lakeFS's {@code BasicAuthService}; with RBAC the user's effective policies
 * decide, and a refusal is lakeFS's 401 "insufficient permissions".
 */
public final class Authorizer {
    private final AuthStore store;
    private final boolean rbac;

    public Authorizer(AuthStore store, boolean rbac) {
        this.store = store;
        this.rbac = rbac;
    }

    public boolean rbac() {
        return rbac;
    }

    /** The user, or 401 when the request carried no credentials. */
    public AuthStore.UserRecord requireUser(Optional<AuthStore.UserRecord> user) {
        return user.orElseThrow(LakeFsError::unauthenticated);
    }

    /**
     * Returns the user when allowed {@code permission}; {@code sourceIp} feeds {@code IpAddress}
     * conditions.
     */
    public AuthStore.UserRecord require(Optional<AuthStore.UserRecord> user, Permission permission, String sourceIp) {
        AuthStore.UserRecord u = requireUser(user);
        if (!rbac) {
            return u;
        }
        PolicyEvaluator.Result result = PolicyEvaluator.check(store.effectivePolicies(u.id()), u.id(), permission,
                sourceIp == null ? Map.of() : Map.of(PolicyEvaluator.SOURCE_IP, sourceIp));
        if (!result.allowed()) {
            throw LakeFsError.insufficientPermissions(result.explanation());
        }
        return u;
    }

    /** The user-management APIs exist only with RBAC; OSS lakeFS answers 501. */
    public void requireRbacApis() {
        if (!rbac) {
            throw LakeFsError.notImplemented();
        }
    }
}
