package io.lakemirror.validator;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.ValidatedStateWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a sequence's head may be admitted and records the decision in the branch state:
 * validated when every metadata file of the head is present, waiting (with the first missing keys)
 * otherwise, or nothing when the sensor has already announced a newer sequence. Used by the
 * message handler and the re-check pass alike, so both admit by the same rule.
 *
 * <p>Every write is conditional on the sequence: a {@link StaleWriteException} means a newer or
 * equal sequence was validated meanwhile, which is success for this one.
 *
 * <p>Two rules come before the files. A head without metarange is admitted only when it is a
 * repository's initial commit, the one commit lakeFS itself writes without one (docs/design/pipeline.md,
 * "Verified input"); any other is {@link RejectedException rejected}. And a head the sensor state
 * does not vouch for (its sequence is older than the sensor's latest) is confirmed with the source
 * lakeFS ({@link Provenance}) before it is recorded as validated.
 */
final class HeadAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(HeadAdmission.class);
    /** The message lakeFS gives a repository's first commit ({@code graveler.FirstCommitMsg}). */
    static final String INITIAL_COMMIT_MESSAGE = "Repository created";

    private final ValidatedStateWriter mirrors;
    private final HeadChecker checker;
    private final Provenance provenance;
    private final ValidatorMetrics metrics;
    private final Clock clock;

    HeadAdmission(ValidatedStateWriter mirrors, HeadChecker checker, Provenance provenance, ValidatorMetrics metrics,
                  Clock clock) {
        this.mirrors = mirrors;
        this.checker = checker;
        this.provenance = provenance;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * A sequence whose head is to be checked.
     *
     * @param sensorConfirmed whether the sensor state names this head at this sequence; when not (an older
     *                        sequence's message), the source lakeFS confirms the head before it is admitted
     */
    record Candidate(MirrorSpec mirror, BranchId branch, long sequence, CommitRecord head, Instant sensedAt,
                     long commitsSent, boolean sensorConfirmed) {
        Candidate {
            Objects.requireNonNull(mirror, "mirror");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(sensedAt, "sensedAt");
        }

        String describe() {
            return mirror.id() + "/" + branch + " sequence " + sequence + " (head " + head.id() + ")";
        }
    }

    /** What {@link #admit} found and recorded. */
    sealed interface Result {
    }

    /** Every file present; the sequence is validated now. */
    record Validated(HeadCheck check) implements Result {
    }

    /** An equal or newer sequence was validated already; nothing was checked or written. */
    record AlreadyValidated(long validatedSequence) implements Result {
    }

    /** Files are missing; the branch state names them. */
    record Waiting(HeadCheck check, BranchState.Waiting waiting) implements Result {
    }

    /** Files are missing but the sensor announced sequence {@code newer}: this one is not waited for. */
    record Superseded(HeadCheck check, long newer) implements Result {
    }

    /**
     * Checks the head's files and records the result.
     *
     * @throws io.lakemirror.domain.CorruptDataException naming a file whose bytes are bad
     * @throws io.lakemirror.domain.RetryableException   when the bucket or a database fails for a while
     */
    Result admit(Candidate c, boolean byRecheck) {
        BranchState current = mirrors.getBranchState(c.mirror().id(), c.branch())
                .orElse(BranchState.empty(c.mirror().id(), c.branch()));
        if (current.validatedSequence() >= c.sequence()) {
            LOG.trace("{}: not checked (sequence {} is validated already)", c.describe(), current.validatedSequence());
            return new AlreadyValidated(current.validatedSequence());
        }
        if (c.head().metaRangeId().isEmpty() && !isInitialCommit(c.head())) {
            throw new RejectedException(Outcome.PoisonKind.INVALID_HEAD, c.describe() + " has no metarange, but it is"
                    + " not a repository's initial commit (no parents, empty committer, message \""
                    + INITIAL_COMMIT_MESSAGE + "\", no metadata), the only commit lakeFS writes without one; it is"
                    + " not admitted");
        }
        HeadCheck check = checker.check(c.mirror().storageNamespace(), c.head().metaRangeId());
        if (check.complete()) {
            if (!c.sensorConfirmed()) {
                provenance.confirm(c.mirror(), c.head());
            }
            return recordValidated(c, check, byRecheck);
        }
        // Read again: the check may have taken a while. A newer sequence announced by the sensor is
        // the newer message's business; a newer waiting one the port's condition protects as well.
        current = mirrors.getBranchState(c.mirror().id(), c.branch()).orElse(current);
        long newer = Math.max(mirrors.getSensorBranchState(c.mirror().id(), c.branch())
                .map(SensorBranchState::sequence).orElse(0L),
                current.waiting().map(BranchState.Waiting::sequence).orElse(0L));
        if (newer > c.sequence()) {
            metrics.superseded();
            LOG.trace("{}: not admitted and not waited for ({} file(s) missing, but sequence {} is announced)",
                    c.describe(), check.missingCount(), newer);
            return new Superseded(check, newer);
        }
        BranchState.Waiting waiting = nextWaiting(current, c.sequence(), c.head().id(), check.firstMissing());
        try {
            mirrors.recordWaiting(c.mirror().id(), c.branch(), waiting);
        } catch (StaleWriteException e) {
            BranchState now = mirrors.getBranchState(c.mirror().id(), c.branch()).orElse(current);
            long waitingNow = now.waiting().map(BranchState.Waiting::sequence).orElse(0L);
            if (now.validatedSequence() < c.sequence() && waitingNow > c.sequence()) {
                metrics.superseded();
                LOG.trace("{}: not recorded as waiting (sequence {} waits already)", c.describe(), waitingNow);
                return new Superseded(check, waitingNow);
            }
            LOG.trace("{}: validated meanwhile ({})", c.describe(), e.getMessage());
            return new AlreadyValidated(c.sequence());
        }
        metrics.waiting();
        LOG.trace("{}: waiting ({} file(s) missing, first {}; check {} since {})", c.describe(), check.missingCount(),
                check.firstMissing(), waiting.checks(), waiting.since());
        return new Waiting(check, waiting);
    }

    /**
     * Whether {@code commit} is what lakeFS's {@code CreateRepository} writes as a repository's first
     * commit ({@code pkg/graveler/ref/manager.go}: no parents, no committer, message
     * {@value #INITIAL_COMMIT_MESSAGE}, no metadata, empty metarange ID). Every other way lakeFS makes
     * a commit (commit, merge, revert, cherry-pick, import) writes a metarange first.
     */
    static boolean isInitialCommit(CommitRecord commit) {
        return commit.parents().isEmpty() && commit.committer().isEmpty()
                && commit.message().equals(INITIAL_COMMIT_MESSAGE) && commit.metadata().isEmpty();
    }

    /** A deletion of the source branch: nothing to check, admitted at once. */
    boolean admitDeletion(MirrorSpec mirror, BranchId branch, long sequence, Instant sensedAt, long commitsSent) {
        try {
            mirrors.recordValidated(mirror.id(), branch,
                    new BranchState.Validated(sequence, Optional.empty(), sensedAt, clock.instant(), commitsSent));
        } catch (StaleWriteException e) {
            LOG.trace("{}/{} deletion at sequence {}: validated already ({})", mirror.id(), branch, sequence,
                    e.getMessage());
            return false;
        }
        metrics.validated(false);
        LOG.trace("{}/{} deletion at sequence {}: validated (a deletion has no files)", mirror.id(), branch, sequence);
        return true;
    }

    /**
     * Records that a sequence is still pending although its last check failed, so the re-check pass
     * keeps trying it after its message has left the queue. Missing keys are unknown, hence empty.
     */
    void recordPendingAfterFailure(Candidate c) {
        BranchState current = mirrors.getBranchState(c.mirror().id(), c.branch())
                .orElse(BranchState.empty(c.mirror().id(), c.branch()));
        if (current.validatedSequence() >= c.sequence()) {
            return;
        }
        List<String> missing = current.waiting().filter(w -> w.sequence() == c.sequence())
                .map(BranchState.Waiting::missing).orElse(List.of());
        try {
            mirrors.recordWaiting(c.mirror().id(), c.branch(), nextWaiting(current, c.sequence(), c.head().id(), missing));
        } catch (StaleWriteException e) {
            LOG.trace("{}: validated meanwhile ({})", c.describe(), e.getMessage());
        }
    }

    private Result recordValidated(Candidate c, HeadCheck check, boolean byRecheck) {
        Instant now = clock.instant();
        try {
            mirrors.recordValidated(c.mirror().id(), c.branch(),
                    new BranchState.Validated(c.sequence(), Optional.of(c.head().id()), c.sensedAt(), now, c.commitsSent()));
        } catch (StaleWriteException e) {
            LOG.trace("{}: validated meanwhile ({})", c.describe(), e.getMessage());
            return new AlreadyValidated(c.sequence());
        }
        metrics.validated(byRecheck);
        LOG.trace("{}: validated ({} request(s), {} range(s) known present{})", c.describe(), check.requests(),
                check.cacheHits(), byRecheck ? ", by the re-check pass" : "");
        if (check.fullAddresses() > 0) {
            warnFullAddresses(c, check, now);
        }
        return new Validated(check);
    }

    /**
     * Strict mode found objects outside the namespace. They never arrive by bucket replication, so
     * waiting would stall the branch for ever; the sequence is admitted and the branch state carries
     * the warning (in its validator error, the only free-text field) until the next success clears it.
     */
    private void warnFullAddresses(Candidate c, HeadCheck check, Instant now) {
        metrics.fullAddresses(check.fullAddresses());
        String warning = "warning: sequence " + c.sequence() + " was validated, but " + check.fullAddresses()
                + " object(s) of its new ranges have FULL addresses outside " + c.mirror().storageNamespace()
                + " (for example " + check.fullAddressExample().orElse("?") + "), which bucket replication does"
                + " not copy: they were not checked and may be unreadable on the mirror";
        LOG.warn("{}: {}", c.describe(), warning);
        try {
            mirrors.recordValidatorError(c.mirror().id(), c.branch(), new BranchState.ErrorInfo(warning, now));
        } catch (RuntimeException e) {
            LOG.warn("{}: the warning was not recorded in the branch state ({}); it stays in this log only",
                    c.describe(), e.getMessage());
        }
    }

    private BranchState.Waiting nextWaiting(BranchState current, long sequence, CommitId head, List<String> missing) {
        Instant now = clock.instant();
        Optional<BranchState.Waiting> same = current.waiting()
                .filter(w -> w.sequence() == sequence && w.head().equals(head));
        return new BranchState.Waiting(sequence, head, missing, same.map(BranchState.Waiting::since).orElse(now), now,
                same.map(w -> w.checks() + 1).orElse(1));
    }
}
