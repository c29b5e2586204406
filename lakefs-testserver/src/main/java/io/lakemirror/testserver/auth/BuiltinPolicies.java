package io.lakemirror.testserver.auth;

import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.policy.Acl;
import java.util.List;
import java.util.Map;

/**
 * lakeFS's built-in policies and groups as its RBAC setup creates them, so a test can put a user
 * in {@code Viewers} or {@code Developers} the way an administrator would.
 */
public final class BuiltinPolicies {
    public static final String ADMINS = "Admins";

    private static final String OWN_USER = "arn:lakefs:auth:::user/${user}";

    private BuiltinPolicies() {
    }

    public static List<Policy> policies() {
        return List.of(
                Policy.of("FSFullAccess", Statement.allow("*", "fs:*")),
                Policy.of("FSReadAll", Statement.allow("*", "fs:List*", "fs:Read*")),
                Policy.of("FSReadWriteAll", Statement.allow("*", "fs:Read*", "fs:List*", "fs:WriteObject",
                        "fs:DeleteObject", "fs:RevertBranch", "fs:CreateBranch", "fs:CreateTag", "fs:DeleteBranch",
                        "fs:DeleteTag", "fs:CreateCommit")),
                Policy.of("AuthFullAccess", Statement.allow("*", "auth:*")),
                Policy.of("AuthManageOwnCredentials", Statement.allow(OWN_USER, "auth:CreateCredentials",
                        "auth:DeleteCredentials", "auth:ListCredentials", "auth:ReadCredentials")));
    }

    /** Group → its policies. */
    public static Map<String, List<String>> groups() {
        return Map.of(
                ADMINS, List.of("FSFullAccess", "AuthFullAccess"),
                "SuperUsers", List.of("FSFullAccess", "AuthManageOwnCredentials"),
                "Developers", List.of("FSReadWriteAll", "AuthManageOwnCredentials"),
                "Viewers", List.of("FSReadAll", "AuthManageOwnCredentials"));
    }

    /**
     * Creates lakeFS's simplified-mode groups in {@code store}: Admins, Supers, Writers and Readers, each with the
     * one ACL policy ({@code ACL(_-_)<group>}) lakeFS's ACL server writes for its level.
     */
    public static void installAcl(AuthStore store) {
        for (Acl.Level level : Acl.Level.values()) {
            store.createGroup(level.group());
            store.createAclPolicy(level.group(), level);
            store.attachToGroup(level.group(), Acl.policyName(level.group()));
        }
    }

    /** Creates the built-in policies and groups in {@code store}. */
    public static void install(AuthStore store) {
        policies().forEach(store::createPolicy);
        groups().forEach((group, policies) -> {
            store.createGroup(group);
            policies.forEach(p -> store.attachToGroup(group, p));
        });
    }
}
