package io.lakemirror.testserver.auth;

import io.lakemirror.auth.AuthFlavour;
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
    private final AuthFlavour flavour;

    public Authorizer(AuthStore store, boolean rbac) {
        this(store, rbac ? AuthFlavour.RBAC : AuthFlavour.BASIC);
    }

    /** With {@link AuthFlavour#SIMPLIFIED}, users' ACL groups decide (their policies carry the levels' statements). */
    public Authorizer(AuthStore store, AuthFlavour flavour) {
        this.store = store;
        this.flavour = flavour;
    }

    /** Whether policies decide (RBAC or simplified), rather than "one user, everything allowed". */
    public boolean rbac() {
        return flavour != AuthFlavour.BASIC;
    }

    public AuthFlavour flavour() {
        return flavour;
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
        if (flavour == AuthFlavour.BASIC) {
            return u;
        }
        PolicyEvaluator.Result result = PolicyEvaluator.check(store.effectivePolicies(u.id()), u.id(), permission,
                sourceIp == null ? Map.of() : Map.of(PolicyEvaluator.SOURCE_IP, sourceIp));
        if (!result.allowed()) {
            throw LakeFsError.insufficientPermissions(result.explanation());
        }
        return u;
    }

    /** The user-management APIs exist only with RBAC or simplified auth; OSS lakeFS answers 501. */
    public void requireRbacApis() {
        if (flavour == AuthFlavour.BASIC) {
            throw LakeFsError.notImplemented();
        }
    }

    /** Simplified lakeFS answers 501 to policy listings and attachments before checking anything (OSS after). */
    public void requirePolicyApis() {
        if (flavour == AuthFlavour.SIMPLIFIED) {
            throw LakeFsError.notImplemented();
        }
    }
}
