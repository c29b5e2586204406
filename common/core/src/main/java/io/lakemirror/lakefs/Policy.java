package io.lakemirror.lakefs;

import io.lakemirror.domain.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A lakeFS RBAC policy.
 *
 * @param id           the policy name
 * @param creationDate when it was created, if lakeFS says
 * @param statements   at least one statement
 */
public record Policy(String id, Optional<Instant> creationDate, List<Statement> statements) {
    public Policy {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new InvalidInputException("a policy needs a non-empty id");
        }
        Objects.requireNonNull(creationDate, "creationDate");
        statements = List.copyOf(statements);
        if (statements.isEmpty()) {
            throw new InvalidInputException("policy " + id + " needs at least one statement");
        }
    }

    public static Policy of(String id, Statement... statements) {
        return new Policy(id, Optional.empty(), List.of(statements));
    }
}
