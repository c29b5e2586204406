package io.lakemirror.lakefs.policy;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.TagId;
import io.lakemirror.lakefs.UserId;

/** The resource ARNs lakeFS checks permissions on. */
public final class Arns {
    private static final String FS = "arn:lakefs:fs:::";
    private static final String AUTH = "arn:lakefs:auth:::";

    private Arns() {
    }

    public static String repository(RepositoryId repository) {
        return repository(repository.value());
    }

    /** The repository ARN of a name as the caller sent it (lakeFS checks before validating names). */
    public static String repository(String repository) {
        return FS + "repository/" + repository;
    }

    public static String branch(RepositoryId repository, BranchId branch) {
        return branch(repository.value(), branch.value());
    }

    /** The branch ARN of any ref string (lakeFS checks {@code logCommits} on the ref, even a commit ID). */
    public static String branch(String repository, String ref) {
        return repository(repository) + "/branch/" + ref;
    }

    public static String tag(RepositoryId repository, TagId tag) {
        return tag(repository.value(), tag.value());
    }

    public static String tag(String repository, String tag) {
        return repository(repository) + "/tag/" + tag;
    }

    public static String object(String repository, String path) {
        return repository(repository) + "/object/" + path;
    }

    /** A storage namespace, for {@code fs:AttachStorageNamespace}. */
    public static String namespace(String storageNamespace) {
        return FS + "namespace/" + storageNamespace;
    }

    public static String user(UserId user) {
        return user(user.value());
    }

    public static String user(String user) {
        return AUTH + "user/" + user;
    }

    public static String policy(String policy) {
        return AUTH + "policy/" + policy;
    }

    public static String group(String group) {
        return AUTH + "group/" + group;
    }
}
