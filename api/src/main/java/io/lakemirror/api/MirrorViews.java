package io.lakemirror.api;

import io.lakemirror.domain.BranchId;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds API views from the items of the mirrors database: the source sensor's and the destination's.
 * The REST API and the operator metrics ({@code io.lakemirror.api.metrics}) share these rules, so
 * {@code /metrics} and {@code GET .../mirrors/{id}} always agree on lag, commits behind, missing files
 * and stalls.
 *
 * <ul>
 *   <li><b>Lag</b> is the age of the oldest sensed sequence not yet promoted (the one after the
 *       promoted sequence), as the sensor state remembers it ({@link SensorBranchState#sensedAtOrBefore}):
 *       on a busy branch whose promotion is stuck it grows, where the newest sequence's age would stay
 *       a few seconds. When the sensor remembers no time that old (a state written before it kept
 *       them), the oldest time known is used.</li>
 *   <li><b>Stalled</b>: the destination's state names a sequence above the source sensor's latest
 *       (frozen by a message the sensor never sent, which no later sequence can overtake), or the
 *       branch has been behind for {@link #STALL_AFTER} or longer.</li>
 * </ul>
 */
public final class MirrorViews {
    /**
     * How long a branch may be behind its source before it counts as stalled: S3 Replication Time
     * Control's bound on bucket replication, the slowest step a healthy mirror waits for.
     */
    public static final Duration STALL_AFTER = Duration.ofMinutes(15);

    private MirrorViews() {
    }

    static MirrorView summary(MirrorRecord mirror) {
        return view(mirror, List.of());
    }

    /**
     * A mirror with the progress of every branch either side knows, in branch order.
     *
     * @param sensed the source sensor's branch states of the mirror
     * @param states the destination's branch states of the mirror
     * @param now    the instant lag is measured at
     */
    public static MirrorView detail(MirrorRecord mirror, List<SensorBranchState> sensed, List<BranchState> states, Instant now) {
        Map<BranchId, SensorBranchState> bySensor = sensed.stream()
                .collect(Collectors.toMap(SensorBranchState::branch, Function.identity()));
        Map<BranchId, BranchState> byState = states.stream().collect(Collectors.toMap(BranchState::branch, Function.identity()));
        TreeSet<BranchId> names = new TreeSet<>(bySensor.keySet());
        names.addAll(byState.keySet());
        List<MirrorView.BranchView> branches = new ArrayList<>();
        for (BranchId branch : names) {
            branches.add(branch(branch, Optional.ofNullable(bySensor.get(branch)), Optional.ofNullable(byState.get(branch)), now));
        }
        return view(mirror, branches);
    }

    /** The progress of one branch; either state may be absent (not sensed yet, or not reached by the destination). */
    public static MirrorView.BranchView branch(BranchId branch, Optional<SensorBranchState> sensor,
                                               Optional<BranchState> state, Instant now) {
        long sensedSequence = sensor.map(SensorBranchState::sequence).orElse(0L);
        long validatedSequence = state.map(BranchState::validatedSequence).orElse(0L);
        long promotedSequence = state.map(BranchState::promotedSequence).orElse(0L);
        long sensedCommits = sensor.map(SensorBranchState::commitsSent).orElse(0L);
        long promotedCommits = state.flatMap(BranchState::promoted).map(BranchState.Promoted::commitsSent).orElse(0L);
        long lag = sensor.filter(s -> s.sequence() > promotedSequence)
                .map(s -> Math.max(0, Duration.between(oldestUnpromoted(s, state, promotedSequence), now).toSeconds()))
                .orElse(0L);
        long commitsBehind = Math.max(0, sensedCommits - promotedCommits);
        List<String> missing = state.flatMap(BranchState::waiting).filter(w -> w.sequence() > validatedSequence)
                .map(BranchState.Waiting::missing).orElse(List.of());
        Optional<String> lastError = state.flatMap(s -> Stream.of(s.promoterError(), s.validatorError())
                        .flatMap(Optional::stream).max(Comparator.comparing(BranchState.ErrorInfo::at)))
                .map(BranchState.ErrorInfo::message);
        long waitingSequence = state.flatMap(BranchState::waiting).map(BranchState.Waiting::sequence).orElse(0L);
        Optional<String> stall = stall(sensedSequence, Math.max(validatedSequence, waitingSequence), promotedSequence,
                lag, commitsBehind, lastError);
        return new MirrorView.BranchView(branch, sensor.flatMap(SensorBranchState::head),
                state.flatMap(BranchState::promoted).flatMap(BranchState.Promoted::head),
                state.flatMap(BranchState::validated).flatMap(BranchState.Validated::head),
                sensedSequence, validatedSequence, promotedSequence, commitsBehind, lag, missing, lastError, stall);
    }

    /** When the oldest sequence after {@code promotedSequence} was sensed, or the oldest time known before it. */
    private static Instant oldestUnpromoted(SensorBranchState sensor, Optional<BranchState> state, long promotedSequence) {
        Optional<Instant> exact = sensor.sensedAtOrBefore(promotedSequence + 1);
        if (exact.isPresent()) {
            return exact.get();
        }
        Instant oldest = sensor.unpromoted().isEmpty() ? sensor.sensedAt() : sensor.unpromoted().get(0).at();
        Optional<Instant> validatedAt = state.flatMap(BranchState::validated)
                .filter(v -> v.sequence() > promotedSequence).map(BranchState.Validated::sensedAt);
        return validatedAt.filter(v -> v.isBefore(oldest)).orElse(oldest);
    }

    /** Why a branch is stalled, if it is: see the class comment. */
    private static Optional<String> stall(long sensed, long validatedOrWaiting, long promoted, long lagSeconds,
                                          long commitsBehind, Optional<String> lastError) {
        long ahead = Math.max(validatedOrWaiting, promoted);
        if (ahead > sensed) {
            return Optional.of("the destination's state is at sequence " + ahead + ", above the source sensor's "
                    + sensed + ": it was frozen by a message the sensor never sent, and no new sequence can pass it;"
                    + " reset the branch's state from the source (bin/replication repair)");
        }
        if (promoted < sensed && lagSeconds >= STALL_AFTER.toSeconds()) {
            return Optional.of("behind its source for " + lagSeconds + " s (" + commitsBehind + " commit(s), "
                    + (sensed - promoted) + " sequence(s))" + lastError.map(e -> "; last error: " + e).orElse(""));
        }
        return Optional.empty();
    }

    private static MirrorView view(MirrorRecord mirror, List<MirrorView.BranchView> branches) {
        MirrorSpec spec = mirror.spec();
        MirrorState state = mirror.state();
        String status = spec.isDeleteRequested() && state != MirrorState.DELETED ? MirrorState.DELETING.name() : state.name();
        String message = mirror.status().map(MirrorStatus::message).orElse("");
        return new MirrorView(spec.id(), spec.name(), spec.sourceRepository(), spec.sourceRegion(), spec.destinationRegion(),
                spec.storageNamespace(), status, message, spec.createdAt(), spec.createdBy(),
                mirror.source().flatMap(SourceStatus::lastScanAt), mirror.source().flatMap(SourceStatus::lastError),
                branches, spec.mirrorTags(), mirror.status().map(MirrorStatus::tagsWaiting).orElse(List.of()));
    }
}
