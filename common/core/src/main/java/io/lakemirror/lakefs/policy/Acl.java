package io.lakemirror.lakefs.policy;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * lakeFS's simplified authorization (ACL, {@code auth.ui_config.rbac: simplified}): every user is in groups
 * whose one policy carries an ACL level, and lakeFS's ACL server writes that level out as statements on every
 * resource (docs/design/lakefs-facts.md §5.3). What each level allows in the mirror API follows from those
 * statements:
 *
 * <table>
 *   <caption>ACL levels and the mirror API</caption>
 *   <tr><th>level</th><th>statements</th><th>list, get</th><th>create, delete</th></tr>
 *   <tr><td>Read</td><td>{@code fs:List*}, {@code fs:Read*}, {@code fs:ReadConfig}, own credentials</td><td>yes</td><td>no</td></tr>
 *   <tr><td>Write</td><td>Read plus object, branch, tag and commit writes, {@code ci:Read*}, …</td><td>yes</td><td>no</td></tr>
 *   <tr><td>Super</td><td>{@code fs:*}, own credentials, repository settings reads</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>Admin</td><td>{@code fs:*}, {@code auth:*}, {@code ci:*}, {@code retention:*}, {@code branches:*}, {@code pr:*}</td><td>yes</td><td>yes</td></tr>
 * </table>
 */
public final class Acl {
    /** lakeFS names the policy of a group's ACL {@code ACL(_-_)<group>}. */
    public static final String POLICY_PREFIX = "ACL(_-_)";
    private static final String ALL = "*";
    private static final String OWN_USER = "arn:lakefs:auth:::user/${user}";

    /** The four levels, with the group lakeFS's ACL setup creates for each. */
    public enum Level {
        READ("Read", "Readers"), WRITE("Write", "Writers"), SUPER("Super", "Supers"), ADMIN("Admin", "Admins");

        private final String wire;
        private final String group;

        Level(String wire, String group) {
            this.wire = wire;
            this.group = group;
        }

        /** lakeFS's name of the level ({@code Read}, {@code Write}, {@code Super}, {@code Admin}). */
        public String wire() {
            return wire;
        }

        /** The built-in group of this level. */
        public String group() {
            return group;
        }

        public static Optional<Level> fromWire(String permission) {
            return Arrays.stream(values()).filter(l -> l.wire.equals(permission)).findFirst();
        }
    }

    private Acl() {
    }

    /** The policy name lakeFS gives the ACL of {@code group}. */
    public static String policyName(String group) {
        return POLICY_PREFIX + group;
    }

    /** The statements lakeFS's ACL server writes for a level (resource {@code *}, own credentials on {@code user/${user}}). */
    public static List<Statement> statements(Level level) {
        List<Statement> out = new ArrayList<>();
        switch (level) {
            case READ -> {
                out.add(Statement.allow(ALL, "fs:List*", "fs:Read*"));
                out.add(Statement.allow(ALL, "fs:ReadConfig"));
                out.add(ownCredentials());
            }
            case WRITE -> {
                out.add(Statement.allow(ALL, "fs:Read*", "fs:List*", Actions.WRITE_OBJECT, Actions.DELETE_OBJECT,
                        Actions.REVERT_BRANCH, Actions.CREATE_BRANCH, Actions.CREATE_TAG, Actions.DELETE_BRANCH,
                        Actions.DELETE_TAG, Actions.CREATE_COMMIT));
                out.add(ownCredentials());
                out.add(repositorySettingsRead());
            }
            case SUPER -> {
                out.add(Statement.allow(ALL, "fs:*"));
                out.add(ownCredentials());
                out.add(repositorySettingsRead());
            }
            case ADMIN -> out.add(Statement.allow(ALL, "fs:*", "auth:*", "ci:*", "retention:*", "branches:*", "pr:*"));
            default -> throw new IllegalStateException("unknown ACL level " + level);
        }
        return List.copyOf(out);
    }

    /** The policy lakeFS keeps for {@code group} holding {@code level}. */
    public static Policy policy(String group, Level level) {
        return new Policy(policyName(group), Optional.empty(), statements(level));
    }

    /**
     * The policy for an ACL as lakeFS stores it: the level's statements, whatever statements came with it
     * (lakeFS derives them from the level when it writes the policy).
     *
     * @throws InvalidInputException for a level lakeFS does not know
     */
    public static Policy fromStoredAcl(String policyName, String permission) {
        Level level = Level.fromWire(permission).orElseThrow(() -> new InvalidInputException("policy " + policyName
                + " holds the ACL \"" + permission + "\", which is none of Read, Write, Super, Admin"));
        return new Policy(policyName, Optional.empty(), statements(level));
    }

    private static Statement ownCredentials() {
        return Statement.allow(OWN_USER, "auth:CreateCredentials", "auth:DeleteCredentials", "auth:ListCredentials",
                "auth:ReadCredentials");
    }

    private static Statement repositorySettingsRead() {
        return Statement.allow(ALL, "ci:Read*", "retention:Get*", "branches:Get*", "pr:Read*", "pr:List*", "fs:ReadConfig");
    }
}
