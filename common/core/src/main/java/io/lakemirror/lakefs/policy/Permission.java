package io.lakemirror.lakefs.policy;

import java.util.List;
import java.util.Objects;

/**
 * What an operation needs: one action on one resource, or a combination (lakeFS's permission
 * {@code Node}): {@link AllOf} needs every child allowed, {@link AnyOf} needs one allowed and none denied.
 */
public sealed interface Permission {

    static Permission of(String action, String resource) {
        return new Single(action, resource);
    }

    static Permission allOf(Permission... children) {
        return new AllOf(List.of(children));
    }

    static Permission anyOf(Permission... children) {
        return new AnyOf(List.of(children));
    }

    /** One action on one resource ARN (or {@code *}). */
    record Single(String action, String resource) implements Permission {
        public Single {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(resource, "resource");
        }
    }

    record AllOf(List<Permission> children) implements Permission {
        public AllOf {
            children = List.copyOf(children);
        }
    }

    record AnyOf(List<Permission> children) implements Permission {
        public AnyOf {
            children = List.copyOf(children);
        }
    }
}
