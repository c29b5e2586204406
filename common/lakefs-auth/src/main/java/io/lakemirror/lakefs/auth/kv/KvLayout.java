package io.lakemirror.lakefs.auth.kv;

import java.nio.charset.StandardCharsets;

/**
 * Where lakeFS keeps its auth records in its KV (docs/design/lakefs-facts.md §5.2). Keys are UTF-8 paths
 * joined with {@code /}. Full RBAC and simplified (ACL) installations use the partition {@value #AUTH};
 * OSS lakeFS's basic auth service keeps its single user under the partition {@value #BASIC_AUTH} as
 * {@code users/superAdmin}, with its one credential.
 */
public final class KvLayout {
    /** Partition of users, credentials, groups, policies and installation metadata. */
    public static final String AUTH = "auth";
    /** Partition of the basic auth service (OSS lakeFS). */
    public static final String BASIC_AUTH = "basicAuth";
    /** The key name the basic auth service stores its single user under. */
    public static final String SUPER_ADMIN = "superAdmin";
    /** lakeFS records the {@code auth.ui_config.rbac} it was set up with as {@code installation_metadata/setup_auth_<rbac>}. */
    public static final String SETUP_AUTH_PREFIX = "installation_metadata/setup_auth_";

    private KvLayout() {
    }

    public static byte[] user(String name) {
        return path("users", name);
    }

    public static byte[] usersPrefix() {
        return bytes("users/");
    }

    public static byte[] policy(String name) {
        return path("policies", name);
    }

    public static byte[] group(String name) {
        return path("groups", name);
    }

    public static byte[] credential(String user, String accessKeyId) {
        return path("uCredentials", user, "credentials", accessKeyId);
    }

    /** Every credential of every user. */
    public static byte[] credentialsPrefix() {
        return bytes("uCredentials/");
    }

    public static byte[] userPolicy(String user, String policy) {
        return path("uPolicies", user, "policies", policy);
    }

    public static byte[] userPoliciesPrefix(String user) {
        return path("uPolicies", user, "policies", "");
    }

    public static byte[] groupUser(String group, String user) {
        return path("gUsers", group, "users", user);
    }

    /** Every membership of every group. */
    public static byte[] groupUsersPrefix() {
        return bytes("gUsers/");
    }

    public static byte[] groupPolicy(String group, String policy) {
        return path("gPolicies", group, "policies", policy);
    }

    public static byte[] groupPoliciesPrefix(String group) {
        return path("gPolicies", group, "policies", "");
    }

    public static byte[] setupAuth(String rbac) {
        return bytes(SETUP_AUTH_PREFIX + rbac);
    }

    public static byte[] setupAuthPrefix() {
        return bytes(SETUP_AUTH_PREFIX);
    }

    static byte[] path(String... parts) {
        return bytes(String.join("/", parts));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
