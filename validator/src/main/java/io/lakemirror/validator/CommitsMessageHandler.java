package io.lakemirror.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.messages.MalformedMessageException;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.ValidatedStateWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to one {@code CommitsDetected} message; never throws, so one bad message
 * never fails the others of a batch.
 *
 * <ol>
 *   <li><b>Poison.</b> A message that does not decode is dead-lettered at once: decoding is
 *       deterministic, so retrying only holds up its FIFO group. The exception is a newer
 *       {@code schema_version}, which a newer validator of a rolling upgrade can read: it is retried
 *       for a few receives first. A message of another organization or region, or one naming a
 *       different source than its mirror, is dead-lettered at once (specs never change). An unknown
 *       mirror is retried for a few receives, since the mirrors table may replicate the spec a moment
 *       after the message. A message for a mirror being deleted is completed: nothing is wrong with
 *       it, it is simply not needed any more.</li>
 *   <li><b>Verified input.</b> Nothing a message says is trusted as sent. Every commit record it
 *       carries must hash to its ID. Its sequence must be one the source sensor recorded for the
 *       branch: a sequence above the sensor's latest is retried a few receives (the sensor state may
 *       replicate a moment after the message) and then dead-lettered, so a huge forged sequence never
 *       reaches the branch state; at the sensor's latest sequence the head must be the one the sensor
 *       recorded; an older sequence's head is confirmed with the source lakeFS before it is admitted
 *       ({@link Provenance}). A rejected message is dead-lettered with the reason, which also goes to
 *       the branch state's validator error when the branch is one the sensor knows.</li>
 *   <li><b>Records.</b> The commit records it carries, and the claim-checked ones read from the
 *       source lakeFS and verified against their IDs, go to the refstore. A batch before the last is
 *       then done.</li>
 *   <li><b>Head.</b> On the last batch, a deletion at the sensor's latest sequence is admitted at once
 *       (an older one is superseded: the newer sequence decides the branch); otherwise
 *       {@link HeadAdmission} checks the head. Missing files hide the message on the missing-files
 *       ladder; failures on the error ladder (a corrupt file is a failure naming its key).</li>
 *   <li><b>Receive budget.</b> Before the queue's redrive policy would move a message silently, the
 *       handler acts itself: a waiting (or failing) sequence is left to the re-check pass, which finds
 *       it in the branch state, and its message is deleted; a message that could not even be stored
 *       goes to the dead-letter queue with its reason.</li>
 * </ol>
 */
final class CommitsMessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CommitsMessageHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Region region;
    private final OrganizationId organization;
    private final ValidatedStateWriter mirrors;
    private final Refstore refstore;
    private final ClaimChecks claimChecks;
    private final HeadAdmission admission;
    private final ValidatorOptions options;
    private final ValidatorMetrics metrics;
    private final Clock clock;
    private volatile java.util.function.Consumer<HeadAdmission.Candidate> onWaiting = w -> { };

    CommitsMessageHandler(Region region, OrganizationId organization, ValidatedStateWriter mirrors, Refstore refstore,
                          ClaimChecks claimChecks, HeadAdmission admission, ValidatorOptions options,
                          ValidatorMetrics metrics, Clock clock) {
        this.region = region;
        this.organization = organization;
        this.mirrors = mirrors;
        this.refstore = refstore;
        this.claimChecks = claimChecks;
        this.admission = admission;
        this.options = options;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Called whenever a check finds files missing (the validator starts watching the branch). */
    void onWaiting(java.util.function.Consumer<HeadAdmission.Candidate> listener) {
        this.onWaiting = listener;
    }

    /** The outcome for {@code message}; failures become a retry or a dead letter, never an exception. */
    Outcome handle(ReceivedMessage message) {
        Outcome outcome = metrics.messageDuration().record(() -> {
            Attempt attempt = new Attempt(message);
            Outcome decided;
            try {
                decided = decide(attempt);
            } catch (RejectedException e) {
                decided = new Outcome.DeadLetter(e.kind(), e.getMessage());
            } catch (ClaimChecks.UnverifiableCommitException e) {
                decided = poisonUnlessRetriesLeft(message, Outcome.PoisonKind.UNVERIFIABLE_COMMIT, e.getMessage());
            } catch (RuntimeException e) {
                return failed(attempt, e);
            }
            if (decided instanceof Outcome.DeadLetter d && attempt.decoded != null && attempt.branchKnown) {
                recordError(attempt.decoded, "rejected, its message goes to the dead-letter queue: " + d.reason());
            }
            return decided;
        });
        metrics.processed(outcome);
        if (outcome instanceof Outcome.DeadLetter d) {
            LOG.warn("Message {} (receive {}) goes to the dead-letter queue: {}", message.messageId(),
                    message.receiveCount(), d.reason());
        } else {
            LOG.trace("Message {} (receive {}): {} ({})", message.messageId(), message.receiveCount(),
                    outcome.getClass().getSimpleName(), outcome.reason());
        }
        return outcome;
    }

    /** What is known about the message being handled, for the failure path. */
    private static final class Attempt {
        final ReceivedMessage message;
        CommitsDetected decoded;
        /** Whether the sensor has a state for the message's branch (a rejection is then shown on it). */
        boolean branchKnown;
        HeadAdmission.Candidate candidate;

        Attempt(ReceivedMessage message) {
            this.message = message;
        }
    }

    private Outcome decide(Attempt attempt) {
        ReceivedMessage message = attempt.message;
        CommitsDetected m;
        try {
            m = CommitsDetectedCodec.decode(message.body());
        } catch (MalformedMessageException e) {
            if (newerSchema(message.body())) {
                return poisonUnlessRetriesLeft(message, Outcome.PoisonKind.UNSUPPORTED_SCHEMA, e.getMessage());
            }
            return new Outcome.DeadLetter(Outcome.PoisonKind.MALFORMED, e.getMessage());
        }
        attempt.decoded = m;
        if (!m.organizationId().equals(organization)) {
            return new Outcome.DeadLetter(Outcome.PoisonKind.WRONG_ORGANIZATION, m + " is for organization "
                    + m.organizationId() + ", but this validator serves organization " + organization);
        }
        if (!m.destinationRegion().equals(region)) {
            return new Outcome.DeadLetter(Outcome.PoisonKind.WRONG_REGION, m + " is for region "
                    + m.destinationRegion() + ", but arrived in the queue of region " + region);
        }
        Optional<MirrorRecord> record = mirrors.getMirror(m.mirrorId());
        if (record.isEmpty()) {
            return poisonUnlessRetriesLeft(message, Outcome.PoisonKind.UNKNOWN_MIRROR, "mirror " + m.mirrorId()
                    + " of " + m + " does not exist (deleted, or its spec has not replicated yet)");
        }
        MirrorSpec spec = record.get().spec();
        Optional<Outcome> unfit = unfitMirror(m, record.get());
        if (unfit.isPresent()) {
            return unfit.get();
        }

        Optional<SensorBranchState> sensed = mirrors.getSensorBranchState(m.mirrorId(), m.branch());
        attempt.branchKnown = sensed.isPresent();
        verifyCarried(m);
        if (sensed.isEmpty() || sensed.get().sequence() < m.sequence()) {
            return poisonUnlessRetriesLeft(message, Outcome.PoisonKind.UNSENSED_SEQUENCE, m + ": the source sensor"
                    + " never recorded sequence " + m.sequence() + " for this branch ("
                    + sensed.map(st -> "its latest is " + st.sequence()).orElse("it has no state for the branch")
                    + "); it is not admitted, so a forged sequence cannot freeze the branch");
        }
        boolean latest = sensed.get().sequence() == m.sequence();
        if (latest && !sensed.get().head().equals(m.head())) {
            throw new RejectedException(Outcome.PoisonKind.FORGED_HEAD, m + ": the source sensor recorded "
                    + sensed.get().head().map(h -> "head " + h).orElse("a deletion") + " for sequence " + m.sequence()
                    + ", not " + m.head().map(h -> "head " + h).orElse("a deletion") + "; it is not admitted");
        }

        List<CommitRecord> records = new ArrayList<>(m.commits());
        m.headCommit().ifPresent(records::add);
        records.addAll(claimChecks.resolve(spec, m.claimChecked()));
        if (!records.isEmpty()) {
            refstore.putCommits(spec.id(), records);
        }
        if (!m.lastBatch()) {
            return new Outcome.Completed("batch " + m.batch() + " of sequence " + m.sequence() + ": "
                    + records.size() + " commit record(s) stored");
        }
        if (m.isDeletion()) {
            if (!latest) {
                metrics.superseded();
                return new Outcome.Completed("deletion superseded by sequence " + sensed.get().sequence()
                        + ", which decides the branch: not admitted");
            }
            boolean recorded = admission.admitDeletion(spec, m.branch(), m.sequence(), m.sensedAt(), m.commitsSent());
            return new Outcome.Completed(recorded ? "deletion validated" : "deletion validated already");
        }
        CommitRecord head = headRecord(m, records, spec);
        attempt.candidate = new HeadAdmission.Candidate(spec, m.branch(), m.sequence(), head, m.sensedAt(),
                m.commitsSent(), latest);
        HeadAdmission.Result result = admission.admit(attempt.candidate, false);
        if (result instanceof HeadAdmission.Waiting) {
            onWaiting.accept(attempt.candidate);
        }
        return afterCheck(message, result);
    }

    /** Every commit record the message carries must hash to its ID: one that does not was altered on its way. */
    private static void verifyCarried(CommitsDetected m) {
        List<CommitRecord> carried = new ArrayList<>(m.commits());
        m.headCommit().ifPresent(carried::add);
        for (CommitRecord c : carried) {
            CommitId computed = CommitIds.of(c);
            if (!computed.equals(c.id())) {
                throw new RejectedException(Outcome.PoisonKind.TAMPERED_RECORD, m + ": commit record " + c.id()
                        + " hashes to " + computed + ", not to its ID, so it is not the source's commit; nothing of"
                        + " the message is stored");
            }
        }
    }

    private Optional<Outcome> unfitMirror(CommitsDetected m, MirrorRecord record) {
        MirrorSpec spec = record.spec();
        MirrorState state = record.state();
        if (spec.isDeleteRequested() || state == MirrorState.DELETING || state == MirrorState.DELETED) {
            metrics.forDeletedMirror();
            return Optional.of(new Outcome.Completed("mirror " + spec.id() + " (" + spec.describe()
                    + ") is being deleted (" + state + "): " + m + " is not needed"));
        }
        if (!spec.destinationRegion().equals(region)) {
            return Optional.of(new Outcome.DeadLetter(Outcome.PoisonKind.WRONG_REGION, "mirror " + spec.id() + " ("
                    + spec.describe() + ") mirrors into region " + spec.destinationRegion() + ", not " + region));
        }
        if (!spec.sourceRepository().equals(m.sourceRepository()) || !spec.sourceRegion().equals(m.sourceRegion())) {
            return Optional.of(new Outcome.DeadLetter(Outcome.PoisonKind.SOURCE_MISMATCH, m + " names source "
                    + m.sourceRepository() + "@" + m.sourceRegion() + ", but mirror " + spec.id() + " is "
                    + spec.describe()));
        }
        return Optional.empty();
    }

    /** The head's record: carried by the message, stored before, or read from the source and verified. */
    private CommitRecord headRecord(CommitsDetected m, List<CommitRecord> records, MirrorSpec spec) {
        CommitId head = m.head().orElseThrow();
        Optional<CommitRecord> carried = m.headRecord()
                .or(() -> records.stream().filter(c -> c.id().equals(head)).findFirst());
        return carried.orElseGet(() -> claimChecks.resolve(spec, List.of(head)).get(0));
    }

    private Outcome afterCheck(ReceivedMessage message, HeadAdmission.Result result) {
        if (result instanceof HeadAdmission.Validated v) {
            return new Outcome.Completed("validated after " + v.check().requests() + " request(s), "
                    + v.check().cacheHits() + " range(s) known present");
        }
        if (result instanceof HeadAdmission.AlreadyValidated a) {
            return new Outcome.Completed("validated already (sequence " + a.validatedSequence() + ")");
        }
        if (result instanceof HeadAdmission.Superseded s) {
            return new Outcome.Completed("superseded by sequence " + s.newer() + " while " + s.check().missingCount()
                    + " file(s) were missing: not admitted, not waited for");
        }
        HeadAdmission.Waiting w = (HeadAdmission.Waiting) result;
        String missing = w.check().missingCount() + " file(s) missing, first " + w.check().firstMissing();
        if (message.receiveCount() >= options.lastOwnReceive()) {
            metrics.handedOver();
            return new Outcome.Completed(missing + "; receive budget spent, so the re-check pass takes over");
        }
        return new Outcome.RetryLater(options.retries().afterMissing(message.receiveCount()), missing);
    }

    private Outcome failed(Attempt attempt, RuntimeException e) {
        metrics.failure(e);
        ReceivedMessage message = attempt.message;
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (attempt.decoded != null && attempt.branchKnown) {
            recordError(attempt.decoded, reason);
        }
        boolean lastReceive = message.receiveCount() >= options.lastOwnReceive();
        String what = attempt.decoded == null ? "" : ", " + attempt.decoded;
        if (e instanceof ReplicationException) {
            LOG.warn("Message {} (receive {}{}) failed: {}", message.messageId(), message.receiveCount(), what, reason);
        } else {
            LOG.warn("Message {} (receive {}{}) failed unexpectedly: {}", message.messageId(), message.receiveCount(),
                    what, reason, e);
        }
        if (!lastReceive) {
            return new Outcome.RetryLater(options.retries().afterError(message.receiveCount()), reason);
        }
        if (attempt.candidate != null) {
            try {
                admission.recordPendingAfterFailure(attempt.candidate);
                metrics.handedOver();
                return new Outcome.Completed(reason + "; receive budget spent, so the re-check pass takes over");
            } catch (RuntimeException recordFailure) {
                reason = reason + "; and it could not be left to the re-check pass: " + recordFailure.getMessage();
            }
        }
        return new Outcome.DeadLetter(Outcome.PoisonKind.GAVE_UP, "failed on " + message.receiveCount()
                + " receives, last: " + reason);
    }

    private void recordError(CommitsDetected m, String reason) {
        try {
            mirrors.recordValidatorError(m.mirrorId(), m.branch(), new BranchState.ErrorInfo(
                    "sequence " + m.sequence() + ": " + reason, clock.instant()));
        } catch (RuntimeException e) {
            LOG.debug("Could not record the error of {} in its branch state: {}", m, e.getMessage());
        }
    }

    /** Poison for good on the last receive this validator allows itself; until then, another look later. */
    private Outcome poisonUnlessRetriesLeft(ReceivedMessage message, Outcome.PoisonKind kind, String reason) {
        if (message.receiveCount() >= options.lastOwnReceive()) {
            return new Outcome.DeadLetter(kind, reason + " (after " + message.receiveCount() + " receives)");
        }
        return new Outcome.RetryLater(options.retries().afterError(message.receiveCount()), reason);
    }

    /** Whether the body is JSON with a {@code schema_version} newer than this validator reads. */
    static boolean newerSchema(String body) {
        try {
            JsonNode version = JSON.readTree(body).get("schema_version");
            return version != null && version.canConvertToLong() && version.asLong() > CommitsDetected.SCHEMA_VERSION;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
