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
 * {@code /metrics} and {@code GET .../mirrors/{id}} always agree on lag, commits behind and missing files.
 */
public final class MirrorViews {
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
                .map(s -> Math.max(0, Duration.between(s.sensedAt(), now).toSeconds())).orElse(0L);
        List<String> missing = state.flatMap(BranchState::waiting).filter(w -> w.sequence() > validatedSequence)
                .map(BranchState.Waiting::missing).orElse(List.of());
        Optional<String> lastError = state.flatMap(s -> Stream.of(s.promoterError(), s.validatorError())
                        .flatMap(Optional::stream).max(Comparator.comparing(BranchState.ErrorInfo::at)))
                .map(BranchState.ErrorInfo::message);
        return new MirrorView.BranchView(branch, sensor.flatMap(SensorBranchState::head),
                state.flatMap(BranchState::promoted).flatMap(BranchState.Promoted::head),
                state.flatMap(BranchState::validated).flatMap(BranchState.Validated::head),
                sensedSequence, validatedSequence, promotedSequence, Math.max(0, sensedCommits - promotedCommits), lag,
                missing, lastError);
    }

    private static MirrorView view(MirrorRecord mirror, List<MirrorView.BranchView> branches) {
        MirrorSpec spec = mirror.spec();
        MirrorState state = mirror.state();
        String status = spec.isDeleteRequested() && state != MirrorState.DELETED ? MirrorState.DELETING.name() : state.name();
        String message = mirror.status().map(MirrorStatus::message).orElse("");
        return new MirrorView(spec.id(), spec.name(), spec.sourceRepository(), spec.sourceRegion(), spec.destinationRegion(),
                spec.storageNamespace(), status, message, spec.createdAt(), spec.createdBy(),
                mirror.source().flatMap(SourceStatus::lastScanAt), mirror.source().flatMap(SourceStatus::lastError),
                branches);
    }
}
