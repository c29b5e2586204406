package io.lakemirror.lakefs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lakeFS user.
 *
 * @param id           the user name
 * @param creationDate when the user was created
 * @param friendlyName display name, if any
 * @param email        email, if any (lakeFS uses it as the committer when present)
 */
public record User(UserId id, Instant creationDate, Optional<String> friendlyName, Optional<String> email) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(creationDate, "creationDate");
        Objects.requireNonNull(friendlyName, "friendlyName");
        Objects.requireNonNull(email, "email");
    }

    /** The committer lakeFS records for this user's commits: the email when set, else the name. */
    public String committer() {
        return email.filter(e -> !e.isEmpty()).orElse(id.value());
    }
}
