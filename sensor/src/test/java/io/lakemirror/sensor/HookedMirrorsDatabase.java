package io.lakemirror.sensor;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.StorePage;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link MirrorsDatabase} decorator whose hooks run before the sensor's writes, so a test can
 * crash the sensor between two steps or let another sensor act at an exact moment. Counts reads of
 * the sent-commit set.
 */
final class HookedMirrorsDatabase implements MirrorsDatabase {
    /** Runs before {@code putSensorBranchState}; may throw to simulate a crash. */
    interface StateHook {
        void beforePut(SensorBranchState state, long expectedSequence);
    }

    /** Runs before {@code recordSentCommits}; may throw to simulate a crash. */
    interface SentHook {
        void beforeRecord(MirrorId id, Collection<CommitId> commits);
    }

    /** Runs before {@code findSentCommits}, with the number of this lookup (from 1). */
    interface FindHook {
        void beforeFind(int lookup, Collection<CommitId> commits);
    }

    private final List<FindHook> findHooks = new CopyOnWriteArrayList<>();
    private final MirrorsDatabase delegate;
    private final List<StateHook> stateHooks = new CopyOnWriteArrayList<>();
    private final List<SentHook> sentHooks = new CopyOnWriteArrayList<>();
    final AtomicInteger sentLookups = new AtomicInteger();

    HookedMirrorsDatabase(MirrorsDatabase delegate) {
        this.delegate = delegate;
    }

    void onPutSensorState(StateHook hook) {
        stateHooks.add(hook);
    }

    void onRecordSent(SentHook hook) {
        sentHooks.add(hook);
    }

    void onFindSent(FindHook hook) {
        findHooks.add(hook);
    }

    void clearHooks() {
        findHooks.clear();
        stateHooks.clear();
        sentHooks.clear();
    }

    @Override
    public void putSensorBranchState(SensorBranchState state, long expectedSequence) {
        stateHooks.forEach(h -> h.beforePut(state, expectedSequence));
        delegate.putSensorBranchState(state, expectedSequence);
    }

    @Override
    public void recordSentCommits(MirrorId id, Collection<CommitId> commits) {
        sentHooks.forEach(h -> h.beforeRecord(id, commits));
        delegate.recordSentCommits(id, commits);
    }

    @Override
    public Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits) {
        int lookup = sentLookups.incrementAndGet();
        findHooks.forEach(h -> h.beforeFind(lookup, commits));
        return delegate.findSentCommits(id, commits);
    }

    @Override
    public void createMirror(MirrorSpec spec) {
        delegate.createMirror(spec);
    }

    @Override
    public Optional<MirrorRecord> getMirror(MirrorId id) {
        return delegate.getMirror(id);
    }

    @Override
    public StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit) {
        return delegate.listMirrors(after, limit);
    }

    @Override
    public void requestDeletion(MirrorId id, Instant at) {
        delegate.requestDeletion(id, at);
    }

    @Override
    public MirrorSpec setMirrorTags(MirrorId id, boolean mirrorTags) {
        return delegate.setMirrorTags(id, mirrorTags);
    }

    @Override
    public Optional<MirrorId> findByName(Region destination, RepositoryId name) {
        return delegate.findByName(destination, name);
    }

    @Override
    public void putStatus(MirrorStatus status, Set<MirrorState> expectedCurrent, boolean allowAbsent) {
        delegate.putStatus(status, expectedCurrent, allowAbsent);
    }

    @Override
    public void deleteMirror(MirrorId id) {
        delegate.deleteMirror(id);
    }

    @Override
    public boolean acquireSourceLease(MirrorId id, String owner, Instant until, Instant now) {
        return delegate.acquireSourceLease(id, owner, until, now);
    }

    @Override
    public void recordScan(MirrorId id, String owner, Instant at, Optional<String> error) {
        delegate.recordScan(id, owner, at, error);
    }

    @Override
    public Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch) {
        return delegate.getSensorBranchState(id, branch);
    }

    @Override
    public List<SensorBranchState> listSensorBranchStates(MirrorId id) {
        return delegate.listSensorBranchStates(id);
    }

    @Override
    public Optional<BranchState> getBranchState(MirrorId id, BranchId branch) {
        return delegate.getBranchState(id, branch);
    }

    @Override
    public List<BranchState> listBranchStates(MirrorId id) {
        return delegate.listBranchStates(id);
    }

    @Override
    public void recordValidated(MirrorId id, BranchId branch, BranchState.Validated validated) {
        delegate.recordValidated(id, branch, validated);
    }

    @Override
    public void recordWaiting(MirrorId id, BranchId branch, BranchState.Waiting waiting) {
        delegate.recordWaiting(id, branch, waiting);
    }

    @Override
    public void recordValidatorError(MirrorId id, BranchId branch, BranchState.ErrorInfo error) {
        delegate.recordValidatorError(id, branch, error);
    }

    @Override
    public boolean claimPromotion(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                          java.util.Optional<BranchState.PromotionLease> lapsed) {
        return delegate.claimPromotion(id, branch, lease, lapsed);
    }

    @Override
    public void recordPromoted(MirrorId id, BranchId branch, BranchState.Promoted promoted, String owner) {
        delegate.recordPromoted(id, branch, promoted, owner);
    }

    @Override
    public void recordPromoterError(MirrorId id, BranchId branch, BranchState.ErrorInfo error, String owner) {
        delegate.recordPromoterError(id, branch, error, owner);
    }

    @Override
    public boolean claimRepair(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                          java.util.Optional<BranchState.PromotionLease> lapsed) {
        return delegate.claimRepair(id, branch, lease, lapsed);
    }

    @Override
    public void releasePromotion(MirrorId id, BranchId branch, String owner) {
        delegate.releasePromotion(id, branch, owner);
    }

    @Override
    public boolean resetBranchState(BranchState expected, BranchState replacement, Instant now) {
        return delegate.resetBranchState(expected, replacement, now);
    }
}
