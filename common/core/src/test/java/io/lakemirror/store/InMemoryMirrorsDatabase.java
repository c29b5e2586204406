package io.lakemirror.store;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StaleWriteException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A thread-safe in-memory {@link MirrorsDatabase} for unit tests, following the same contract as
 * the DynamoDB adapter ({@code MirrorsDatabaseContract}). Listeners see every change, like a
 * change feed without delay.
 */
public final class InMemoryMirrorsDatabase implements MirrorsDatabase {
    private final TreeMap<MirrorId, MirrorSpec> specs = new TreeMap<>();
    private final Map<MirrorId, MirrorStatus> statuses = new HashMap<>();
    private final Map<MirrorId, SourceStatus> sources = new HashMap<>();
    private final Map<String, MirrorId> names = new HashMap<>();
    private final Map<MirrorId, TreeMap<BranchId, SensorBranchState>> sensorStates = new HashMap<>();
    private final Map<MirrorId, Set<CommitId>> sent = new HashMap<>();
    private final Map<MirrorId, TreeMap<BranchId, BranchState>> branchStates = new HashMap<>();
    private final List<Consumer<ChangeFeed.Change>> listeners = new CopyOnWriteArrayList<>();

    /** Calls {@code listener} synchronously after every change. */
    public void addListener(Consumer<ChangeFeed.Change> listener) {
        listeners.add(listener);
    }

    private void mirrorChanged(MirrorId id) {
        listeners.forEach(l -> l.accept(new ChangeFeed.MirrorChanged(id)));
    }

    private void branchChanged(MirrorId id, BranchId branch, Optional<BranchState> state) {
        listeners.forEach(l -> l.accept(new ChangeFeed.BranchChanged(id, branch, state)));
    }

    private static String nameKey(Region region, RepositoryId name) {
        return region + "/" + name;
    }

    @Override
    public void createMirror(MirrorSpec spec) {
        synchronized (this) {
            String key = nameKey(spec.destinationRegion(), spec.name());
            MirrorId holder = names.get(key);
            if (holder != null && !holder.equals(spec.id())) {
                throw new AlreadyExistsException("mirror name " + spec.name() + " is taken in region "
                        + spec.destinationRegion() + " by mirror " + holder);
            }
            if (specs.containsKey(spec.id())) {
                throw new AlreadyExistsException("mirror " + spec.id() + " exists already");
            }
            names.put(key, spec.id());
            specs.put(spec.id(), spec);
        }
        mirrorChanged(spec.id());
    }

    @Override
    public synchronized Optional<MirrorRecord> getMirror(MirrorId id) {
        return Optional.ofNullable(specs.get(id)).map(this::record);
    }

    private MirrorRecord record(MirrorSpec spec) {
        return new MirrorRecord(spec, Optional.ofNullable(statuses.get(spec.id())),
                Optional.ofNullable(sources.get(spec.id())));
    }

    @Override
    public synchronized StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit) {
        var tail = after.isEmpty() ? specs : specs.tailMap(MirrorId.of(after.get()), false);
        List<MirrorRecord> page = new ArrayList<>();
        for (MirrorSpec spec : tail.values()) {
            if (page.size() == limit) {
                return new StorePage<>(page, Optional.of(page.get(page.size() - 1).spec().id().value()));
            }
            page.add(record(spec));
        }
        return new StorePage<>(page, Optional.empty());
    }

    @Override
    public void requestDeletion(MirrorId id, Instant at) {
        synchronized (this) {
            MirrorSpec spec = specs.get(id);
            if (spec == null) {
                throw new NotFoundException("mirror " + id + " not found");
            }
            if (spec.isDeleteRequested()) {
                return;
            }
            specs.put(id, spec.withDeleteRequested(at));
        }
        mirrorChanged(id);
    }

    @Override
    public MirrorSpec setMirrorTags(MirrorId id, boolean mirrorTags) {
        MirrorSpec stored;
        synchronized (this) {
            MirrorSpec spec = specs.get(id);
            if (spec == null) {
                throw new NotFoundException("mirror " + id + " not found");
            }
            if (spec.mirrorTags() == mirrorTags) {
                return spec;
            }
            stored = spec.withMirrorTags(mirrorTags);
            specs.put(id, stored);
        }
        mirrorChanged(id);
        return stored;
    }

    @Override
    public synchronized Optional<MirrorId> findByName(Region destination, RepositoryId name) {
        return Optional.ofNullable(names.get(nameKey(destination, name)));
    }

    @Override
    public void putStatus(MirrorStatus status, Set<MirrorState> expectedCurrent, boolean allowAbsent) {
        synchronized (this) {
            MirrorStatus current = statuses.get(status.mirrorId());
            boolean allowed = current == null ? allowAbsent : expectedCurrent.contains(current.state());
            if (!allowed) {
                throw new StaleWriteException("mirror " + status.mirrorId() + " is "
                        + (current == null ? "without status" : current.state()) + ", not " + expectedCurrent
                        + ": status " + status.state() + " not written");
            }
            statuses.put(status.mirrorId(), status);
        }
        mirrorChanged(status.mirrorId());
    }

    @Override
    public void deleteMirror(MirrorId id) {
        synchronized (this) {
            MirrorSpec spec = specs.remove(id);
            if (spec != null) {
                names.remove(nameKey(spec.destinationRegion(), spec.name()), id);
            }
            statuses.remove(id);
            sources.remove(id);
            sensorStates.remove(id);
            sent.remove(id);
            branchStates.remove(id);
        }
        mirrorChanged(id);
    }

    @Override
    public synchronized boolean acquireSourceLease(MirrorId id, String owner, Instant until, Instant now) {
        SourceStatus current = sources.get(id);
        if (current != null && !current.leaseOwner().equals(owner) && current.leaseUntil().isAfter(now)) {
            return false;
        }
        sources.put(id, current == null
                ? new SourceStatus(id, owner, until, Optional.empty(), Optional.empty())
                : new SourceStatus(id, owner, until, current.lastScanAt(), current.lastError()));
        return true;
    }

    @Override
    public synchronized void recordScan(MirrorId id, String owner, Instant at, Optional<String> error) {
        SourceStatus current = sources.get(id);
        if (current == null || !current.leaseOwner().equals(owner)) {
            throw new StaleWriteException("sensor " + owner + " does not hold the scan lease of mirror " + id);
        }
        sources.put(id, new SourceStatus(id, owner, current.leaseUntil(), Optional.of(at), error));
    }

    @Override
    public synchronized Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch) {
        return Optional.ofNullable(sensorStates.getOrDefault(id, new TreeMap<>()).get(branch));
    }

    @Override
    public synchronized List<SensorBranchState> listSensorBranchStates(MirrorId id) {
        return List.copyOf(sensorStates.getOrDefault(id, new TreeMap<>()).values());
    }

    @Override
    public synchronized void putSensorBranchState(SensorBranchState state, long expectedSequence) {
        TreeMap<BranchId, SensorBranchState> states = sensorStates.computeIfAbsent(state.mirrorId(), k -> new TreeMap<>());
        SensorBranchState current = states.get(state.branch());
        long currentSequence = current == null ? 0 : current.sequence();
        if (currentSequence != expectedSequence && !state.equals(current)) {
            throw new StaleWriteException("sensor state of " + state.mirrorId() + "/" + state.branch() + " is at sequence "
                    + currentSequence + ", expected " + expectedSequence + ": another sensor wrote first");
        }
        states.put(state.branch(), state);
    }

    @Override
    public synchronized Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits) {
        Set<CommitId> known = sent.getOrDefault(id, Set.of());
        Set<CommitId> found = new HashSet<>();
        for (CommitId c : commits) {
            if (known.contains(c)) {
                found.add(c);
            }
        }
        return found;
    }

    @Override
    public synchronized void recordSentCommits(MirrorId id, Collection<CommitId> commits) {
        sent.computeIfAbsent(id, k -> new HashSet<>()).addAll(commits);
    }

    @Override
    public synchronized Optional<BranchState> getBranchState(MirrorId id, BranchId branch) {
        return Optional.ofNullable(branchStates.getOrDefault(id, new TreeMap<>()).get(branch));
    }

    @Override
    public synchronized List<BranchState> listBranchStates(MirrorId id) {
        return List.copyOf(branchStates.getOrDefault(id, new TreeMap<>()).values());
    }

    private BranchState current(MirrorId id, BranchId branch) {
        return branchStates.computeIfAbsent(id, k -> new TreeMap<>()).getOrDefault(branch, BranchState.empty(id, branch));
    }

    private void store(BranchState state) {
        branchStates.computeIfAbsent(state.mirrorId(), k -> new TreeMap<>()).put(state.branch(), state);
    }

    @Override
    public void recordValidated(MirrorId id, BranchId branch, BranchState.Validated validated) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            if (s.validatedSequence() >= validated.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is validated at sequence " + s.validatedSequence()
                        + ", not older sequence " + validated.sequence());
            }
            Optional<BranchState.Waiting> waiting = s.waiting().filter(w -> w.sequence() > validated.sequence());
            next = new BranchState(id, branch, Optional.of(validated), waiting, Optional.empty(), s.promoted(),
                    s.promotion(), s.promoterError());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
    }

    @Override
    public void recordWaiting(MirrorId id, BranchId branch, BranchState.Waiting waiting) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            if (s.validatedSequence() >= waiting.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is validated at sequence " + s.validatedSequence()
                        + ": sequence " + waiting.sequence() + " no longer waits");
            }
            if (s.waiting().filter(w -> w.sequence() > waiting.sequence()).isPresent()) {
                throw new StaleWriteException(id + "/" + branch + " has newer sequence "
                        + s.waiting().get().sequence() + " waiting: sequence " + waiting.sequence() + " is not recorded");
            }
            next = new BranchState(id, branch, s.validated(), Optional.of(waiting), s.validatorError(), s.promoted(),
                    s.promotion(), s.promoterError());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
    }

    @Override
    public void recordValidatorError(MirrorId id, BranchId branch, BranchState.ErrorInfo error) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            next = new BranchState(id, branch, s.validated(), s.waiting(), Optional.of(error), s.promoted(),
                    s.promotion(), s.promoterError());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
    }

    @Override
    public boolean claimPromotion(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                                  Optional<BranchState.PromotionLease> lapsed) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            boolean free = s.promotion().map(p -> p.owner().equals(lease.owner()) || lapsed.equals(Optional.of(p)))
                    .orElse(true);
            if (!free || s.validatedSequence() < lease.sequence() || s.promotedSequence() >= lease.sequence()) {
                return false;
            }
            next = new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                    Optional.of(lease), s.promoterError());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
        return true;
    }

    @Override
    public void recordPromoted(MirrorId id, BranchId branch, BranchState.Promoted promoted, String owner) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            if (s.promotion().map(p -> !p.owner().equals(owner)).orElse(true)) {
                throw new StaleWriteException(owner + " no longer holds the promotion lease of " + id + "/" + branch);
            }
            if (s.promotedSequence() >= promoted.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is promoted at sequence " + s.promotedSequence());
            }
            next = new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), Optional.of(promoted),
                    Optional.empty(), Optional.empty());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
    }

    @Override
    public boolean claimRepair(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                               Optional<BranchState.PromotionLease> lapsed) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            boolean free = s.promotion().map(p -> p.owner().equals(lease.owner()) || lapsed.equals(Optional.of(p)))
                    .orElse(true);
            if (!free || s.promoted().isEmpty() || s.promotedSequence() != lease.sequence()) {
                return false;
            }
            next = new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                    Optional.of(lease), s.promoterError());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
        return true;
    }

    @Override
    public void releasePromotion(MirrorId id, BranchId branch, String owner) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            if (s.promotion().map(p -> !p.owner().equals(owner)).orElse(true)) {
                return;
            }
            next = new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                    Optional.empty(), s.promoterError());
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
    }

    @Override
    public boolean resetBranchState(BranchState expected, BranchState replacement, Instant now) {
        MirrorId id = replacement.mirrorId();
        BranchId branch = replacement.branch();
        synchronized (this) {
            BranchState s = current(id, branch);
            boolean leaseHeld = s.promotion().map(p -> p.until().isAfter(now)).orElse(false);
            if (leaseHeld || !s.validated().map(BranchState.Validated::sequence)
                    .equals(expected.validated().map(BranchState.Validated::sequence))
                    || !s.promoted().map(BranchState.Promoted::sequence)
                    .equals(expected.promoted().map(BranchState.Promoted::sequence))) {
                return false;
            }
            store(replacement);
        }
        branchChanged(id, branch, Optional.of(replacement));
        return true;
    }

    @Override
    public void recordPromoterError(MirrorId id, BranchId branch, BranchState.ErrorInfo error, String owner) {
        BranchState next;
        synchronized (this) {
            BranchState s = current(id, branch);
            Optional<BranchState.PromotionLease> lease = s.promotion().filter(p -> !p.owner().equals(owner));
            next = new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(), lease,
                    Optional.of(error));
            store(next);
        }
        branchChanged(id, branch, Optional.of(next));
    }
}
