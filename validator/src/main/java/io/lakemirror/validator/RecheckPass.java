package io.lakemirror.validator;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.StorePage;
import io.lakemirror.store.ValidatedStateWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic pass ({@code validator.run_interval}) that re-checks every branch state still
 * waiting for files, on every mirror into this region, and admits it through the same
 * {@link HeadAdmission} as the message path. It needs nothing from the queue, so a message lost to
 * a visibility timeout, a redrive or a handover never loses a commit.
 *
 * <p>A waiting sequence is re-checked only while it is the sensor's latest for the branch: the
 * sensor state supplies its sensed time and commit count, and a newer sequence is the newer
 * message's business.
 *
 * <p><b>Lost messages.</b> A sequence the sensor recorded longer than {@code lostMessageGrace} ago,
 * that nobody validated and nothing waits for, lost its message: redriven to the dead-letter queue
 * after receives whose answers never arrived, expired, or rejected because it was tampered with on
 * its way. The pass then admits it from the sensor state, which needs nothing from the message: a
 * deletion at once; a head by reading its record (the refstore's copy, else the source lakeFS's) and
 * checking that it hashes to its ID, storing it, and checking its files like any head. The commits
 * below the head that the lost message carried are not fetched here: the promoter reads what the
 * refstore lacks from the source lakeFS, hash-checked, when it promotes the head. Without this a
 * quiet branch (a release branch, or {@code main} just before a disaster) would stay behind until
 * its source moved again.
 */
final class RecheckPass {
    private static final Logger LOG = LoggerFactory.getLogger(RecheckPass.class);

    private final Region region;
    private final ValidatedStateWriter mirrors;
    private final Refstore refstore;
    private final HeadAdmission admission;
    private final ValidatorMetrics metrics;
    private final Clock clock;
    private final int pageSize;
    private final ClaimChecks records;
    private final Duration lostMessageGrace;
    /** The default of how long a sensed sequence's message may take before the pass admits the sequence itself. */
    static final Duration LOST_MESSAGE_GRACE = ValidatorOptions.DEFAULT_LOST_MESSAGE_GRACE;

    RecheckPass(Region region, ValidatedStateWriter mirrors, Refstore refstore, HeadAdmission admission,
                ValidatorMetrics metrics, Clock clock, int pageSize, ClaimChecks records, Duration lostMessageGrace) {
        this.region = region;
        this.mirrors = mirrors;
        this.refstore = refstore;
        this.admission = admission;
        this.metrics = metrics;
        this.clock = clock;
        this.pageSize = pageSize;
        this.records = records;
        this.lostMessageGrace = lostMessageGrace;
    }

    /** Counts of one pass. */
    record Summary(int mirrors, int waiting, int validated, int stillWaiting, int skipped, int failed) {
    }

    /** One pass over all mirrors; a failure on one branch never stops the others. */
    Summary run() {
        long started = System.nanoTime();
        Counts counts = new Counts();
        Optional<String> after = Optional.empty();
        do {
            StorePage<MirrorRecord> page = mirrors.listMirrors(after, pageSize);
            for (MirrorRecord record : page.items()) {
                if (ours(record)) {
                    counts.mirrors++;
                    recheckMirror(record, counts);
                }
            }
            after = page.nextAfter();
        } while (after.isPresent());
        Summary summary = new Summary(counts.mirrors, counts.waiting, counts.validated, counts.stillWaiting,
                counts.skipped, counts.failed);
        long millis = (System.nanoTime() - started) / 1_000_000;
        metrics.recheckDuration().record(Duration.ofMillis(millis));
        if (summary.waiting() > 0 || summary.failed() > 0) {
            LOG.info("Re-check pass over {} mirror(s) into {}: {} branch(es) waiting, {} validated, {} still waiting,"
                            + " {} left to newer sequences, {} failed, in {} ms", summary.mirrors(), region,
                    summary.waiting(), summary.validated(), summary.stillWaiting(), summary.skipped(), summary.failed(),
                    millis);
        } else {
            LOG.debug("Re-check pass over {} mirror(s) into {}: nothing waiting, in {} ms", summary.mirrors(), region,
                    millis);
        }
        return summary;
    }

    private boolean ours(MirrorRecord record) {
        MirrorState state = record.state();
        return record.spec().destinationRegion().equals(region) && !record.spec().isDeleteRequested()
                && state != MirrorState.DELETING && state != MirrorState.DELETED;
    }

    private void recheckMirror(MirrorRecord record, Counts counts) {
        List<BranchState> states;
        try {
            states = mirrors.listBranchStates(record.spec().id());
        } catch (RuntimeException e) {
            counts.failed++;
            LOG.warn("Re-check of mirror {} ({}) failed to list its branches: {}", record.spec().id(),
                    record.spec().describe(), e.getMessage());
            return;
        }
        try {
            admitLostSequences(record, states, counts);
        } catch (RuntimeException e) {
            counts.failed++;
            LOG.warn("Re-check of mirror {} ({}) could not look for sequences whose message was lost: {}; next pass in"
                    + " {}", record.spec().id(), record.spec().describe(), e.getMessage(), "validator.run_interval");
        }
        for (BranchState state : states) {
            Optional<BranchState.Waiting> waiting = state.waiting()
                    .filter(w -> w.sequence() > state.validatedSequence());
            if (waiting.isEmpty()) {
                continue;
            }
            counts.waiting++;
            try {
                recheckBranch(record, state, waiting.get(), counts);
            } catch (RuntimeException e) {
                counts.failed++;
                metrics.failure(e);
                recordError(record, state, waiting.get(), e);
            }
        }
    }

    /**
     * Sequences the sensor recorded longer than {@code lostMessageGrace} ago that nobody validated and
     * nothing waits for: their message was lost, so they are admitted from the sensor state (see the
     * class comment). One branch's failure is recorded on it and does not stop the others.
     */
    private void admitLostSequences(MirrorRecord record, List<BranchState> states, Counts counts) {
        Map<BranchId, BranchState> byBranch = new HashMap<>();
        states.forEach(s -> byBranch.put(s.branch(), s));
        Instant before = clock.instant().minus(lostMessageGrace);
        for (SensorBranchState sensed : mirrors.listSensorBranchStates(record.spec().id())) {
            BranchState state = byBranch.getOrDefault(sensed.branch(), BranchState.empty(record.spec().id(),
                    sensed.branch()));
            boolean waitedFor = state.waiting().filter(w -> w.sequence() >= sensed.sequence()).isPresent();
            if (sensed.sequence() <= state.validatedSequence() || waitedFor || sensed.sensedAt().isAfter(before)) {
                continue;
            }
            try {
                if (admitLost(record, sensed)) {
                    counts.validated++;
                } else {
                    counts.stillWaiting++;
                }
            } catch (RuntimeException e) {
                counts.failed++;
                metrics.failure(e);
                recordError(record, sensed.branch(), sensed.sequence(), e);
            }
        }
    }

    /** Admits one lost sequence from the sensor state; whether it is validated now (else it waits for files). */
    private boolean admitLost(MirrorRecord record, SensorBranchState sensed) {
        MirrorSpec spec = record.spec();
        if (sensed.isDeletion()) {
            if (admission.admitDeletion(spec, sensed.branch(), sensed.sequence(), sensed.sensedAt(),
                    sensed.commitsSent())) {
                metrics.repaired("deletion");
                LOG.info("{}/{}: deletion at sequence {} sensed at {} validated from the sensor state; its message has"
                        + " not reached the validator within {}", spec.id(), sensed.branch(), sensed.sequence(),
                        sensed.sensedAt(), lostMessageGrace);
            }
            return true;
        }
        CommitId headId = sensed.head().orElseThrow();
        CommitRecord head = records.resolve(spec, List.of(headId)).get(0);
        refstore.putCommits(spec.id(), List.of(head));
        HeadAdmission.Result result = admission.admit(new HeadAdmission.Candidate(spec, sensed.branch(),
                sensed.sequence(), head, sensed.sensedAt(), sensed.commitsSent(), true), true);
        metrics.repaired("head");
        boolean validated = result instanceof HeadAdmission.Validated || result instanceof HeadAdmission.AlreadyValidated;
        LOG.info("{}/{}: head {} of sequence {} sensed at {} {} from the sensor state; its message has not reached the"
                        + " validator within {}", spec.id(), sensed.branch(), headId, sensed.sequence(), sensed.sensedAt(),
                validated ? "validated" : "taken over (" + result.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                        + ")", lostMessageGrace);
        return validated;
    }

    /** What a re-check of one branch found. */
    enum BranchOutcome { VALIDATED, STILL_WAITING, NOTHING_TO_DO }

    /**
     * Re-checks one branch now (the fast in-process watch of {@link WaitingWatch}); failures are
     * recorded in the branch state and thrown, so the caller retries.
     */
    BranchOutcome recheck(io.lakemirror.domain.MirrorId mirror, io.lakemirror.domain.BranchId branch) {
        Optional<MirrorRecord> record = mirrors.getMirror(mirror).filter(this::ours);
        Optional<BranchState> state = mirrors.getBranchState(mirror, branch);
        if (record.isEmpty() || state.isEmpty()) {
            return BranchOutcome.NOTHING_TO_DO;
        }
        Optional<BranchState.Waiting> waiting = state.get().waiting().filter(w -> w.sequence() > state.get().validatedSequence());
        if (waiting.isEmpty()) {
            return BranchOutcome.NOTHING_TO_DO;
        }
        Counts counts = new Counts();
        try {
            recheckBranch(record.get(), state.get(), waiting.get(), counts);
        } catch (RuntimeException e) {
            metrics.failure(e);
            recordError(record.get(), state.get(), waiting.get(), e);
            throw e;
        }
        return counts.validated > 0 ? BranchOutcome.VALIDATED
                : counts.stillWaiting > 0 ? BranchOutcome.STILL_WAITING : BranchOutcome.NOTHING_TO_DO;
    }

    private void recheckBranch(MirrorRecord record, BranchState state, BranchState.Waiting waiting, Counts counts) {
        String what = record.spec().id() + "/" + state.branch() + " sequence " + waiting.sequence();
        Optional<SensorBranchState> sensed = mirrors.getSensorBranchState(record.spec().id(), state.branch());
        if (sensed.isEmpty() || sensed.get().sequence() != waiting.sequence()
                || !sensed.get().head().equals(Optional.of(waiting.head()))) {
            counts.skipped++;
            LOG.trace("{}: not re-checked (the sensor is at sequence {}; the newer sequence's message decides)", what,
                    sensed.map(SensorBranchState::sequence).map(String::valueOf).orElse("none"));
            return;
        }
        Refstore.StoredCommit head = refstore.getCommits(record.spec().id(), List.of(waiting.head())).get(waiting.head());
        if (head == null) {
            counts.skipped++;
            LOG.debug("{}: not re-checked (head {} is not in the refstore yet; its message stores it)", what,
                    waiting.head());
            return;
        }
        CommitRecord commit = head.commit();
        HeadAdmission.Result result = admission.admit(new HeadAdmission.Candidate(record.spec(), state.branch(),
                waiting.sequence(), commit, sensed.get().sensedAt(), sensed.get().commitsSent(), true), true);
        if (result instanceof HeadAdmission.Validated || result instanceof HeadAdmission.AlreadyValidated) {
            counts.validated++;
        } else if (result instanceof HeadAdmission.Waiting) {
            counts.stillWaiting++;
        } else {
            counts.skipped++;
        }
    }

    private void recordError(MirrorRecord record, BranchState state, BranchState.Waiting waiting, RuntimeException e) {
        recordError(record, state.branch(), waiting.sequence(), e);
    }

    private void recordError(MirrorRecord record, BranchId branch, long sequence, RuntimeException e) {
        String reason = "sequence " + sequence + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        if (e instanceof ReplicationException) {
            LOG.warn("Re-check of {}/{} failed: {}", record.spec().id(), branch, reason);
        } else {
            LOG.warn("Re-check of {}/{} failed unexpectedly: {}", record.spec().id(), branch, reason, e);
        }
        try {
            mirrors.recordValidatorError(record.spec().id(), branch, new BranchState.ErrorInfo(reason,
                    clock.instant()));
        } catch (RuntimeException recordFailure) {
            LOG.debug("Could not record the re-check error of {}/{}: {}", record.spec().id(), branch,
                    recordFailure.getMessage());
        }
    }

    private static final class Counts {
        int mirrors;
        int waiting;
        int validated;
        int stillWaiting;
        int skipped;
        int failed;
    }
}
