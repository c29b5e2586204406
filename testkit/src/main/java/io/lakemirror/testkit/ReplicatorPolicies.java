package io.lakemirror.testkit;

import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.policy.Arns;
import java.util.List;

/**
 * The replication user's policies of lakeFS's mirroring documentation, exactly (docs/operations.md, "The
 * replication user"), and the corrected narrow policy: the documented narrow policy names
 * {@code repository/{repo}} only, while lakeFS checks branch operations against
 * {@code repository/{repo}/branch/{branch}}, which that ARN does not match.
 */
public final class ReplicatorPolicies {
    /** The broad policy's name in lakeFS's documentation. */
    public static final String BROAD = "ReplicationPolicy";
    /** Every action of the broad policy, in the documentation's order. */
    public static final List<String> BROAD_ACTIONS = List.of(
            "fs:ReadRepository", "fs:CreateRepository", "fs:UpdateRepository", "fs:DeleteRepository", "fs:ListRepositories",
            "fs:AttachStorageNamespace", "fs:ReadObject", "fs:WriteObject", "fs:DeleteObject", "fs:ListObjects",
            "fs:CreateCommit", "fs:ReadCommit", "fs:ListCommits", "fs:CreateBranch", "fs:DeleteBranch", "fs:RevertBranch",
            "fs:ReadBranch", "fs:ListBranches");
    private static final List<String> SOURCE_ACTIONS = List.of("fs:ReadRepository", "fs:ReadObject", "fs:ListObjects",
            "fs:ReadCommit", "fs:ListCommits", "fs:ReadBranch", "fs:ListBranches");
    /** The tag policy's name: what mirroring tags needs beyond lakeFS's documented policies, which grant no tag action. */
    public static final String TAGS = "ReplicationTagsPolicy";
    /** Tag reads on the source, tag reads and writes on the mirror. */
    public static final List<String> SOURCE_TAG_ACTIONS = List.of("fs:ListTags", "fs:ReadTag");
    public static final List<String> MIRROR_TAG_ACTIONS = List.of("fs:ListTags", "fs:ReadTag", "fs:CreateTag",
            "fs:DeleteTag");

    private ReplicatorPolicies() {
    }

    /** {@code ReplicationPolicy}: every action the service needs, on every resource. */
    public static Policy broad() {
        return Policy.of(BROAD, Statement.allow("*", BROAD_ACTIONS.toArray(String[]::new)));
    }

    /** {@code ReplicationTagsPolicy}: the tag actions of both sides, on every resource (added to {@link #broad()}). */
    public static Policy tags() {
        return Policy.of(TAGS, Statement.allow("*", MIRROR_TAG_ACTIONS.toArray(String[]::new)));
    }

    /**
     * The tag actions for two named repositories: lakeFS checks listing against the repository's ARN and a tag's
     * reads and writes against {@code repository/{repo}/tag/{tag}}, so each statement names both.
     */
    public static Policy tagsNarrow(String sourceRepository, String mirrorRepository) {
        String source = Arns.repository(io.lakemirror.domain.RepositoryId.of(sourceRepository));
        String mirror = Arns.repository(io.lakemirror.domain.RepositoryId.of(mirrorRepository));
        return Policy.of(TAGS + "Narrow",
                Statement.allow("[\"" + source + "\",\"" + source + "/tag/*\"]", SOURCE_TAG_ACTIONS.toArray(String[]::new)),
                Statement.allow("[\"" + mirror + "\",\"" + mirror + "/tag/*\"]", MIRROR_TAG_ACTIONS.toArray(String[]::new)));
    }

    /**
     * The narrow policy as lakeFS's documentation writes it: {@code fs:ListRepositories} on {@code *}; reads on
     * the source repository; the broad actions but ListRepositories on the mirror repository; and
     * {@code fs:AttachStorageNamespace} on the mirror's namespace.
     */
    public static Policy narrow(String sourceRepository, String mirrorRepository, String mirrorNamespace) {
        return Policy.of("ReplicationPolicyNarrow",
                Statement.allow("*", "fs:ListRepositories"),
                Statement.allow(Arns.repository(io.lakemirror.domain.RepositoryId.of(sourceRepository)),
                        SOURCE_ACTIONS.toArray(String[]::new)),
                Statement.allow(Arns.repository(io.lakemirror.domain.RepositoryId.of(mirrorRepository)),
                        mirrorActions().toArray(String[]::new)),
                Statement.allow(Arns.namespace(mirrorNamespace), "fs:AttachStorageNamespace"));
    }

    /** The narrow policy with the branch ARNs lakeFS checks ({@code repository/{repo}/branch/*}) added. */
    public static Policy narrowCorrected(String sourceRepository, String mirrorRepository, String mirrorNamespace) {
        String source = Arns.repository(io.lakemirror.domain.RepositoryId.of(sourceRepository));
        String mirror = Arns.repository(io.lakemirror.domain.RepositoryId.of(mirrorRepository));
        return Policy.of("ReplicationPolicyNarrowCorrected",
                Statement.allow("*", "fs:ListRepositories"),
                Statement.allow("[\"" + source + "\",\"" + source + "/branch/*\"]", SOURCE_ACTIONS.toArray(String[]::new)),
                Statement.allow("[\"" + mirror + "\",\"" + mirror + "/branch/*\"]", mirrorActions().toArray(String[]::new)),
                Statement.allow(Arns.namespace(mirrorNamespace), "fs:AttachStorageNamespace"));
    }

    private static List<String> mirrorActions() {
        return BROAD_ACTIONS.stream().filter(a -> !a.equals("fs:ListRepositories")).toList();
    }
}
