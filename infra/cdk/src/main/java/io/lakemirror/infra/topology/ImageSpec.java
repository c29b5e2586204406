package io.lakemirror.infra.topology;

import java.util.Objects;

/**
 * The service's container image: a full image reference, or a repository of each region's ECR with a
 * tag (ECR repositories are regional, so the image must be pushed or replicated to every region).
 */
public sealed interface ImageSpec {
    /** An image pulled by reference, e.g. {@code ghcr.io/example/lakemirror:0.1.0}. */
    record Registry(String reference) implements ImageSpec {
        public Registry {
            Objects.requireNonNull(reference, "reference");
        }
    }

    /** An image in the ECR repository {@code repository} of the stack's own region. */
    record Ecr(String repository, String tag) implements ImageSpec {
        public Ecr {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(tag, "tag");
        }
    }
}
