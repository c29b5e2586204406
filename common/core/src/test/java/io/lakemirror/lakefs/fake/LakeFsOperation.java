package io.lakemirror.lakefs.fake;

/** The operations of {@link io.lakemirror.lakefs.LakeFs}, for counting calls and injecting failures in {@link FakeLakeFs}. */
public enum LakeFsOperation {
    CREATE_REPOSITORY,
    GET_REPOSITORY,
    LIST_REPOSITORIES,
    DELETE_REPOSITORY,
    GET_REPOSITORY_METADATA,
    SET_REPOSITORY_METADATA,
    LIST_BRANCHES,
    CREATE_BRANCH,
    GET_BRANCH,
    DELETE_BRANCH,
    HARD_RESET_BRANCH,
    LOG_COMMITS,
    GET_COMMIT,
    CREATE_COMMIT_RECORD,
    LIST_TAGS,
    CREATE_TAG,
    GET_TAG,
    DELETE_TAG,
    CURRENT_USER,
    EFFECTIVE_POLICIES,
    VERSION
}
