package io.lakemirror.sensor;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.queue.CommitsQueue;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import io.lakemirror.store.BranchState;
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
 * <p><b>Long histories</b> ({@link CommitCollector.Collected#streamed()}, the first sync of a long
 * history) are never held: the intent records the count of the first walk, a second walk plans and
 * sends the batches as the log lists them (newest first: the validator stores every batch before it
 * checks the last one's head, so the order inside a sequence does not matter to it), and a third
 * walk records the commits as sent, page by page, only once every batch is out: a commit recorded
 * as sent always had its ancestors sent before it, which the collector relies on.
 *
 * <p><b>Lag.</b> Each new state carries the sensed times of the branch's earlier sequences that the
 * destination had not promoted yet ({@link SensorBranchState#unpromotedAfter}), read from the branch
 * state, so a reader measures lag from the oldest unpromoted sequence, not the newest.
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
    /** Messages per {@code send} while streaming: one SQS SendMessageBatch. */
    private static final int SEND_AT_ONCE = 10;

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
            List<SensorBranchState.Sensed> unpromoted = previous.map(p -> p.unpromotedAfter(promoted(mirror, branch)))
                    .orElse(List.of());
            SensorBranchState intent;
            Plan plan;
            CommitCollector.Collected collected = null;
            if (head.isEmpty()) {
                intent = new SensorBranchState(mirror.spec().id(), branch, expected + 1, Optional.empty(), sensedAt,
                        false, sentBefore, unpromoted);
                plan = plan(mirror, intent);
            } else {
                collected = collector.collect(mirror.spec().id(), mirror.spec().sourceRepository(), head.get(),
                        mirror.knownHeads());
                intent = new SensorBranchState(mirror.spec().id(), branch, expected + 1, head, sensedAt, false,
                        sentBefore + collected.count(), unpromoted);
                plan = collected.streamed() ? null : plan(mirror, intent, collected);
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
            return plan == null ? deliverStreamed(mirror, intent, collected) : deliver(mirror, intent, plan);
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
            CommitCollector.Collected collected = null;
            if (pending.isDeletion()) {
                plan = plan(mirror, pending);
            } else {
                collected = collector.collect(mirror.spec().id(), mirror.spec().sourceRepository(),
                        pending.head().get(), mirror.knownHeads());
                plan = collected.streamed() ? null : plan(mirror, pending, collected);
            }
            mirror.lease().ensureHeld();
            metrics.sequence("resend");
            LOG.debug("mirror {} ({}) branch {}: resending sequence {} (found unsent after an interrupted attempt)",
                    mirror.spec().id(), mirror.spec().describe(), pending.branch(), pending.sequence());
            return plan == null ? deliverStreamed(mirror, pending, collected) : deliver(mirror, pending, plan);
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

    /**
     * The destination's promoted sequence of the branch, as far as this region's replica knows it; 0
     * when it cannot be read, which only keeps more of the lag history than needed.
     */
    private long promoted(MirrorContext mirror, BranchId branch) {
        try {
            return database.getBranchState(mirror.spec().id(), branch).map(BranchState::promotedSequence).orElse(0L);
        } catch (RuntimeException e) {
            LOG.debug("mirror {} branch {}: the promoted sequence could not be read ({}); the lag history keeps every"
                    + " sequence it can", mirror.spec().id(), branch, e.getMessage());
            return 0;
        }
    }

    /**
     * Sends a sequence too long to hold (see the class comment): batches go out as the second walk
     * plans them, ten at a time, and the commits are recorded as sent by a third walk once all are out.
     */
    private BranchResult deliverStreamed(MirrorContext mirror, SensorBranchState intent,
                                         CommitCollector.Collected counted) {
        MirrorSpec spec = mirror.spec();
        CommitId head = intent.head().orElseThrow();
        List<OutgoingMessage> outgoing = new ArrayList<>(SEND_AT_ONCE);
        int[] messages = {0};
        int[] claimChecked = {0};
        long[] records = {0};
        java.util.function.Consumer<BatchPlanner.Planned> send = p -> {
            outgoing.add(new OutgoingMessage(p.message().groupId(), p.message().deduplicationId(), p.body()));
            messages[0]++;
            records[0] += p.message().commits().size();
            claimChecked[0] += p.message().claimChecked().size();
            if (outgoing.size() == SEND_AT_ONCE) {
                mirror.lease().ensureHeld();
                queue.send(spec.destinationRegion(), List.copyOf(outgoing));
                outgoing.clear();
            }
        };
        BatchPlanner.Stream stream = planner.stream(sequence(spec, intent), send);
        long streamed = collector.stream(spec.id(), spec.sourceRepository(), head, stream::add);
        stream.finish(counted.head()).forEach(send);
        if (!outgoing.isEmpty()) {
            mirror.lease().ensureHeld();
            queue.send(spec.destinationRegion(), List.copyOf(outgoing));
        }
        long[] recorded = {0};
        collector.streamIds(spec.id(), spec.sourceRepository(), head, ids -> {
            database.recordSentCommits(spec.id(), ids);
            recorded[0] += ids.size();
        });
        try {
            database.putSensorBranchState(intent.asSent(), intent.sequence());
        } catch (StaleWriteException e) {
            LOG.debug("mirror {} ({}) branch {}: sequence {} was sent, but another sensor has moved the branch on ({})",
                    spec.id(), spec.describe(), intent.branch(), intent.sequence(), e.getMessage());
            return BranchResult.lostRace();
        }
        LOG.info("mirror {} ({}) branch {}: sent sequence {} head {} streamed from a long history in {} message(s):"
                        + " {} commit(s) ({} counted first), {} claim-checked, {} recorded as sent", spec.id(),
                spec.describe(), intent.branch(), intent.sequence(), head, messages[0], streamed, counted.count(),
                claimChecked[0], recorded[0]);
        return BranchResult.sent(intent.asSent(), messages[0], (int) Math.min(Integer.MAX_VALUE, records[0]),
                claimChecked[0]);
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
        SensorBranchState done = intent.asSent();
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
