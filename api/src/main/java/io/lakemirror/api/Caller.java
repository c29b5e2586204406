package io.lakemirror.api;

import io.lakemirror.lakefs.User;
import java.util.Objects;

/** An authenticated API caller: a lakeFS user of this region. */
public record Caller(User user, String accessKeyId) {
    public Caller {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
    }

    @Override
    public String toString() {
        return user.id().value();
    }
}
