package io.lakemirror.auth;

/**
 * How a lakeFS installation authorizes requests (lakeFS's {@code auth.ui_config.rbac}), as the service
 * established it. Only {@link #BASIC} lets every authenticated caller do everything, and only once the
 * service has seen that lakeFS runs its basic auth service (never because an API answered 501).
 */
public enum AuthFlavour {
    /** OSS lakeFS's basic auth service ({@code rbac: none}): one user, allowed everything. */
    BASIC("basic (OSS lakeFS, one user allowed everything)"),
    /** Simplified ({@code rbac: simplified}): users in ACL groups (Read, Write, Super, Admin). */
    SIMPLIFIED("simplified (ACL groups: Read, Write, Super, Admin)"),
    /** Full RBAC ({@code rbac: external} or {@code internal}): policies attached to users and groups. */
    RBAC("RBAC (policies of users and groups)");

    private final String description;

    AuthFlavour(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
