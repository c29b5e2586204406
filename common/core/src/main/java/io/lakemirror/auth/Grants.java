package io.lakemirror.auth;

import io.lakemirror.lakefs.Policy;
import java.util.List;
import java.util.Objects;

/** What a user may do in lakeFS: every policy that applies to them, or everything (OSS lakeFS's single user). */
public sealed interface Grants {

    /** The effective policies (own and through groups; ACL groups already turned into statements). */
    record Policies(List<Policy> policies) implements Grants {
        public Policies {
            policies = List.copyOf(policies);
        }
    }

    /** Everything, because lakeFS runs its basic auth service; {@code why} says how the service knows. */
    record Everything(String why) implements Grants {
        public Everything {
            Objects.requireNonNull(why, "why");
        }
    }
}
