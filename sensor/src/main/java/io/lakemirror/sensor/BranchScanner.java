package io.lakemirror.sensor;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SensorStateWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces one sequence of one mirror branch, intent first (docs/design/pipeline.md, "Sensor",
 * steps 3–6):
 *
 * <ol>
 *   <li>collect what the mirror lacks of the new head ({@link CommitCollector});</li>
 *   <li>write {@code SensorBranchState{sequence: n+1, head, sent: false}} on condition that the stored
 *       sequence is n — the losing sensor of a race stops here, so one number never names two heads;</li>
 *   <li>send the batches ({@link BatchPlanner}) to the destination region's FIFO queue, group =
 *       mirror/branch, deduplication ID = mirror/branch/sequence/batch;</li>
 *   <li>record the sent commits, then set {@code sent: true}.</li>
 * </ol>
 *
 * <p>A state found with {@code sent: false} is {@linkplain #resend resent} from its own fields
 * (sequence, head, sensed-at, commit count), so the batches and their deduplication IDs are the same
 * and the queue drops whatever copies it already has. The commit list is collected again and is the
 * same unless, between the two attempts, some of those commits were recorded as sent — by the first
 * attempt itself (it stopped between recording and setting {@code sent}) or by another branch of the
 * same mirror. Either way those commits did reach the queue, so the validator still gets every
 * commit; only the byte-identity of a message outside the queue's deduplication window is lost.
 *
 * <p>Thread-safe: holds no state between calls.
 */
final class BranchScanner {
    private static final Logger LOG = LoggerFactory.getLogger(BranchScanner.class);

    private final SensorStateWriter database;
    private final CommitsQueue queue;
    private final CommitCollector collector;
    private final BatchPlanner planner;
    private final OrganizationId organization;
    private final Duration retryIn;
    private final SensorMetrics metrics;

    BranchScanner(SensorStateWriter database, CommitsQueue queue, CommitCollector collector, BatchPlanner planner,
                  OrganizationId organization, Duration retryIn, SensorMetrics metrics) {
        this.database = database;
        this.queue = queue;
        this.collector = collector;
        this.planner = planner;
        this.organization = organization;
        this.retryIn = retryIn;
        this.metrics = metrics;
    }

    /**
     * The mirror being scanned and what its branch scans share.
     *
     * @param knownHeads head records fetched during this scan, for branches at the same commit
     */
    record MirrorContext(MirrorSpec spec, SourceLease lease, Map<CommitId, CommitRecord> knownHeads) {
    }

    /**
     * What to send for one sequence.
     *
     * @param newCommits   the commits it sends, to record as sent
     * @param records      commit records in its messages ({@code head_commit} not counted)
     * @param claimChecked commits it names by ID only
     */
    private record Plan(List<BatchPlanner.Planned> batches, List<CommitId> newCommits, int records, int claimChecked) {
        static Plan of(List<BatchPlanner.Planned> batches, List<CommitId> newCommits) {
            int records = 0;
            int claimChecked = 0;
            for (BatchPlanner.Planned p : batches) {
                records += p.message().commits().size();
                claimChecked += p.message().claimChecked().size();
            }
            return new Plan(batches, newCommits, records, claimChecked);
        }
    }

    /**
     * Announces a new sequence: {@code head} is the branch's new head, or empty when the branch was
     * deleted at the source.
     *
     * @param previous the branch's current state, which must be sent
     * @param sensedAt when the sensor saw the new head
     */
    BranchResult advance(MirrorContext mirror, BranchId branch, Optional<CommitId> head,
                         Optional<SensorBranchState> previous, Instant sensedAt) {
        long expected = previous.map(SensorBranchState::sequence).orElse(0L);
        long sentBefore = previous.map(SensorBranchState::commitsSent).orElse(0L);
        try {
            SensorBranchState intent;
            Plan plan;
            if (head.isEmpty()) {
                intent = new SensorBranchState(mirror.spec().id(), branch, expected + 1, Optional.empty(), sensedAt,
                        false, sentBefore);
                plan = plan(mirror, intent);
            } else {
                CommitCollector.Collected collected = collector.collect(mirror.spec().id(),
                        mirror.spec().sourceRepository(), head.get(), mirror.knownHeads());
                intent = new SensorBranchState(mirror.spec().id(), branch, expected + 1, head, sensedAt, false,
                        sentBefore + collected.commits().size());
                plan = plan(mirror, intent, collected);
            }
            mirror.lease().ensureHeld();
            try {
                database.putSensorBranchState(intent, expected);
            } catch (StaleWriteException e) {
                LOG.debug("mirror {} ({}) branch {}: another sensor announced sequence {} first ({}); this sensor"
                        + " leaves the branch to it", mirror.spec().id(), mirror.spec().describe(), branch,
                        expected + 1, e.getMessage());
                return BranchResult.lostRace();
            }
            metrics.sequence(head.isEmpty() ? "deletion" : "head");
            return deliver(mirror, intent, plan);
        } catch (SourceLease.LostException e) {
            LOG.info("mirror {} ({}) branch {}: {}", mirror.spec().id(), mirror.spec().describe(), branch, e.getMessage());
            return BranchResult.lostRace();
        } catch (RuntimeException e) {
            return failed(mirror, branch, "announcing sequence " + (expected + 1) + " ("
                    + head.map(h -> "head " + h).orElse("deletion") + ")", e);
        }
    }

    /** Sends again a sequence whose state says {@code sent: false}, exactly as it was planned. */
    BranchResult resend(MirrorContext mirror, SensorBranchState pending) {
        try {
            Plan plan;
            if (pending.isDeletion()) {
                plan = plan(mirror, pending);
            } else {
                plan = plan(mirror, pending, collector.collect(mirror.spec().id(), mirror.spec().sourceRepository(),
                        pending.head().get(), mirror.knownHeads()));
            }
            mirror.lease().ensureHeld();
            metrics.sequence("resend");
            LOG.debug("mirror {} ({}) branch {}: resending sequence {} (found unsent after an interrupted attempt)",
                    mirror.spec().id(), mirror.spec().describe(), pending.branch(), pending.sequence());
            return deliver(mirror, pending, plan);
        } catch (SourceLease.LostException e) {
            LOG.info("mirror {} ({}) branch {}: {}", mirror.spec().id(), mirror.spec().describe(), pending.branch(),
                    e.getMessage());
            return BranchResult.lostRace();
        } catch (RuntimeException e) {
            return failed(mirror, pending.branch(), "resending sequence " + pending.sequence(), e);
        }
    }

    private Plan plan(MirrorContext mirror, SensorBranchState deletion) {
        return Plan.of(planner.deletion(sequence(mirror.spec(), deletion)), List.of());
    }

    private Plan plan(MirrorContext mirror, SensorBranchState state, CommitCollector.Collected collected) {
        List<BatchPlanner.Planned> batches = planner.plan(sequence(mirror.spec(), state), collected.commits(),
                collected.head());
        return Plan.of(batches, collected.commits().stream().map(CommitRecord::id).toList());
    }

    private BatchPlanner.Sequence sequence(MirrorSpec spec, SensorBranchState state) {
        return new BatchPlanner.Sequence(organization, spec, state.branch(), state.sequence(), state.head(),
                state.sensedAt(), state.commitsSent());
    }

    private BranchResult deliver(MirrorContext mirror, SensorBranchState intent, Plan plan) {
        MirrorSpec spec = mirror.spec();
        List<OutgoingMessage> outgoing = new ArrayList<>(plan.batches().size());
        for (BatchPlanner.Planned p : plan.batches()) {
            outgoing.add(new OutgoingMessage(p.message().groupId(), p.message().deduplicationId(), p.body()));
        }
        queue.send(spec.destinationRegion(), outgoing);
        if (!plan.newCommits().isEmpty()) {
            database.recordSentCommits(spec.id(), plan.newCommits());
        }
        SensorBranchState done = new SensorBranchState(intent.mirrorId(), intent.branch(), intent.sequence(),
                intent.head(), intent.sensedAt(), true, intent.commitsSent());
        try {
            database.putSensorBranchState(done, intent.sequence());
        } catch (StaleWriteException e) {
            LOG.debug("mirror {} ({}) branch {}: sequence {} was sent, but another sensor has moved the branch on ({})",
                    spec.id(), spec.describe(), intent.branch(), intent.sequence(), e.getMessage());
            return BranchResult.lostRace();
        }
        LOG.debug("mirror {} ({}) branch {}: sent sequence {} {} in {} message(s): {} commit(s), {} claim-checked",
                spec.id(), spec.describe(), intent.branch(), intent.sequence(),
                intent.head().map(h -> "head " + h).orElse("(deletion)"), outgoing.size(), plan.records(), plan.claimChecked());
        return BranchResult.sent(done, outgoing.size(), plan.records(), plan.claimChecked());
    }

    private BranchResult failed(MirrorContext mirror, BranchId branch, String what, RuntimeException e) {
        boolean retryable = ReplicationException.isRetryable(e);
        metrics.failure("branch", retryable);
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof ReplicationException) {
            LOG.warn("mirror {} ({}) branch {}: {} failed: {}; the branch is scanned again next cycle in {}",
                    mirror.spec().id(), mirror.spec().describe(), branch, what, reason, retryIn);
        } else {
            LOG.warn("mirror {} ({}) branch {}: {} failed unexpectedly; the branch is scanned again next cycle in {}",
                    mirror.spec().id(), mirror.spec().describe(), branch, what, retryIn, e);
        }
        return BranchResult.failed("branch " + branch + ": " + what + " failed: " + reason);
    }
}
