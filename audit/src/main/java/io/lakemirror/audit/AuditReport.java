package io.lakemirror.audit;

import io.lakemirror.store.MirrorSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The result of one audit.
 *
 * @param spec       the mirror audited
 * @param strict     whether data objects were checked too
 * @param startedAt  when it began
 * @param finishedAt when it ended
 * @param outcome    clean, violations found, or not finished
 * @param error      why it did not finish (a backend failed or the mirror repository does not exist)
 * @param counts     what it checked
 * @param findings   the violations, at most {@link AuditOptions#maxFindings()} of them ({@link Counts#findings()} counts all)
 * @param refs       one report per branch and tag, branches first, each in name order
 * @param notes      remarks that are not violations
 */
public record AuditReport(MirrorSpec spec, boolean strict, Instant startedAt, Instant finishedAt, Outcome outcome,
                          Optional<String> error, Counts counts, List<Finding> findings, List<RefReport> refs,
                          List<String> notes) {

    /** What an audit concluded. */
    public enum Outcome {
        /** Everything checked holds. */
        CLEAN,
        /** At least one finding. */
        VIOLATIONS,
        /** The audit could not check everything and found nothing wrong in what it checked. */
        INCOMPLETE
    }

    /**
     * @param branches             mirror and source branches looked at
     * @param tags                 mirror tags looked at
     * @param sourceTagsNotMirrored source tags the mirror does not have (tags are not mirrored yet)
     * @param commitsVerified      mirror commits compared with the source
     * @param metadataFiles        metaranges and ranges looked up
     * @param dataObjects          data objects looked up (strict)
     * @param dataObjectsSkipped   data objects outside the mirror namespace (absolute addresses bucket replication of
     *                             the namespace does not cover), not checked
     * @param findings             every violation found, listed or not
     */
    public record Counts(int branches, int tags, int sourceTagsNotMirrored, long commitsVerified, long metadataFiles,
                         long dataObjects, long dataObjectsSkipped, long findings) {
    }

    public AuditReport {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(counts, "counts");
        findings = List.copyOf(findings);
        refs = List.copyOf(refs);
        notes = List.copyOf(notes);
    }

    public boolean clean() {
        return outcome == Outcome.CLEAN;
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** The invariants with a finding, in order. */
    public Set<Invariant> violatedInvariants() {
        Set<Invariant> violated = EnumSet.noneOf(Invariant.class);
        findings.forEach(f -> violated.add(f.invariant()));
        return violated;
    }
}
