package io.lakemirror.testserver.spec;

import java.util.Objects;
import java.util.Set;

/**
 * A place where lakeFS's server departs from its own {@code swagger.yml}: a mismatch the spec check finds
 * in an exchange with real lakeFS too, so it is allowed instead of counted as a failure.
 *
 * @param id           short name used in reports
 * @param operationIds the operations it applies to ({@code *} for every operation)
 * @param status       the answer's status, or 0 for any
 * @param messageKey   the validator's message key, for example {@code validation.response.body.unexpected}; one
 *                     ending in {@code .} covers every key under it
 * @param why          what lakeFS does and where, so a reader can check it
 */
public record Departure(String id, Set<String> operationIds, int status, String messageKey, String why) {
    public Departure {
        Objects.requireNonNull(id, "id");
        operationIds = Set.copyOf(operationIds);
        Objects.requireNonNull(messageKey, "messageKey");
        Objects.requireNonNull(why, "why");
    }

    boolean allows(String operationId, int answered, String key) {
        return (operationIds.contains("*") || operationIds.contains(operationId))
                && (status == 0 || status == answered)
                && (messageKey.equals(key) || messageKey.endsWith(".") && key.startsWith(messageKey));
    }
}
