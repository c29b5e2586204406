package io.lakemirror.it.audit;

import java.time.Instant;

/**
 * A broken mirror invariant (docs/architecture.md §8), with what was observed.
 *
 * @param invariant I1 … I6
 */
public record Violation(String invariant, String mirror, String branch, String detail, Instant at) {
    @Override
    public String toString() {
        return invariant + " " + mirror + "/" + branch + ": " + detail + " (at " + at + ")";
    }
}
