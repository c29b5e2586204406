package io.lakemirror.lakefs.policy;

/** lakeFS permission actions used by the mirror and by the endpoints the test server enforces. */
public final class Actions {
    public static final String READ_REPOSITORY = "fs:ReadRepository";
    public static final String CREATE_REPOSITORY = "fs:CreateRepository";
    public static final String UPDATE_REPOSITORY = "fs:UpdateRepository";
    public static final String DELETE_REPOSITORY = "fs:DeleteRepository";
    public static final String LIST_REPOSITORIES = "fs:ListRepositories";
    public static final String ATTACH_STORAGE_NAMESPACE = "fs:AttachStorageNamespace";
    public static final String READ_OBJECT = "fs:ReadObject";
    public static final String WRITE_OBJECT = "fs:WriteObject";
    public static final String DELETE_OBJECT = "fs:DeleteObject";
    public static final String LIST_OBJECTS = "fs:ListObjects";
    public static final String CREATE_COMMIT = "fs:CreateCommit";
    public static final String READ_COMMIT = "fs:ReadCommit";
    public static final String LIST_COMMITS = "fs:ListCommits";
    public static final String CREATE_BRANCH = "fs:CreateBranch";
    public static final String DELETE_BRANCH = "fs:DeleteBranch";
    public static final String READ_BRANCH = "fs:ReadBranch";
    public static final String REVERT_BRANCH = "fs:RevertBranch";
    public static final String LIST_BRANCHES = "fs:ListBranches";
    public static final String CREATE_TAG = "fs:CreateTag";
    public static final String DELETE_TAG = "fs:DeleteTag";
    public static final String READ_TAG = "fs:ReadTag";
    public static final String LIST_TAGS = "fs:ListTags";
    /** lakeFS Enterprise only: needed on the source repository to mirror it. */
    public static final String MIRROR_REPOSITORY = "fs:MirrorRepository";

    public static final String READ_USER = "auth:ReadUser";
    public static final String CREATE_USER = "auth:CreateUser";
    public static final String DELETE_USER = "auth:DeleteUser";
    public static final String LIST_USERS = "auth:ListUsers";
    public static final String CREATE_CREDENTIALS = "auth:CreateCredentials";
    public static final String READ_POLICY = "auth:ReadPolicy";
    public static final String CREATE_POLICY = "auth:CreatePolicy";
    public static final String UPDATE_POLICY = "auth:UpdatePolicy";
    public static final String DELETE_POLICY = "auth:DeletePolicy";
    public static final String LIST_POLICIES = "auth:ListPolicies";
    public static final String ATTACH_POLICY = "auth:AttachPolicy";

    private Actions() {
    }
}
