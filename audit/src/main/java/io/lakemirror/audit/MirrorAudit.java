package io.lakemirror.audit;

import io.lakemirror.audit.Finding.ObjectKind;
import io.lakemirror.audit.Finding.RefKind;
import io.lakemirror.blockstore.BlockStore;
import io.lakemirror.blockstore.ObjectStat;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RangeId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.FenceRefs;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorsReader;
import io.lakemirror.store.SensorBranchState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One integrity audit of a live mirror against its source and its bucket (docs/architecture.md §8). It reads, and
 * never writes:
 *
 * <ul>
 *   <li><b>I6</b>: the mirror repository is read-only; it has no branch the source lacks (unless the source deleted
 *       it and the service has not applied that yet, which the mirrors database tells), no tag the source lacks,
 *       and no commit the source lacks;</li>
 *   <li><b>I2</b>: every mirror branch head is in the history of the same source branch (unless the source was reset
 *       since and the service has not applied it yet); every mirror tag names the commit of the source tag;</li>
 *   <li><b>I1</b>: for every mirror branch and tag head, the metarange and every range it lists are in the mirror
 *       namespace; with {@link AuditOptions#strict()}, every data object of those ranges is there too, with the size
 *       and ETag the range records;</li>
 *   <li><b>I5</b>: every commit reachable from a mirror head hashes to its ID and equals the source's record
 *       (parents, metarange, committer, message, date, metadata, generation, version).</li>
 * </ul>
 *
 * <p>Tags are audited like heads: a mirror tag obeys I1, I2 and I5, and one the source lacks is an I6 finding. The
 * service applies a tag's move or deletion on its mirrors manager's next pass and keeps no per-tag state that
 * could excuse the difference meanwhile ({@link #tagState}), so a tag moved or deleted at the source moments before
 * the audit is reported; auditing again after a pass tells a lagging tag from a wrong one. A source tag not on the
 * mirror yet (its commit's files are still on their way, or the mirror does not mirror tags) is a note.
 *
 * <p>Bucket requests run on {@link AuditOptions#parallelism()} threads, branches and tags on half as many; every
 * metadata file and commit is checked once however many refs share it. Instances run once.
 */
public final class MirrorAudit {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorAudit.class);
    private static final int LOG_PAGE = 1000;
    /** Source commits kept while matching a mirror log that differs in order; beyond it, records are fetched one by one. */
    private static final int SOURCE_BUFFER_LIMIT = 10_000;

    private final AuditTarget target;
    private final AuditOptions options;
    private final Clock clock;
    private final MirrorSpec spec;
    private final StorageNamespace namespace;
    private final AtomicReference<String> phase = new AtomicReference<>("starting");
    private final AtomicInteger refsTotal = new AtomicInteger();
    private final AtomicInteger refsDone = new AtomicInteger();
    private final AtomicLong commitsVerified = new AtomicLong();
    private final AtomicLong metadataFiles = new AtomicLong();
    private final AtomicLong dataObjects = new AtomicLong();
    private final AtomicLong dataSkipped = new AtomicLong();
    private final AtomicLong findingsTotal = new AtomicLong();
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, CompletableFuture<Optional<ObjectStat>>> stats = new ConcurrentHashMap<>();
    private final ConcurrentMap<MetaRangeId, CompletableFuture<List<RangeInfo>>> metaRanges = new ConcurrentHashMap<>();
    private final ConcurrentMap<RangeId, CompletableFuture<Long>> dataChecks = new ConcurrentHashMap<>();
    private final Set<CommitId> verified = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, Boolean> ancestry = new ConcurrentHashMap<>();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicInteger started = new AtomicInteger();
    private ExecutorService io;
    private Semaphore dataPermits;
    private Optional<StorageNamespace> sourceNamespace = Optional.empty();

    public MirrorAudit(AuditTarget target, AuditOptions options, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.spec = target.spec();
        this.namespace = spec.storageNamespace();
    }

    /** How far the audit is; safe to call from any thread while it runs. */
    public AuditProgress progress() {
        return new AuditProgress(phase.get(), refsTotal.get(), refsDone.get(), commitsVerified.get(), metadataFiles.get(),
                dataObjects.get(), findingsTotal.get());
    }

    /**
     * Runs the audit. Never throws for a failing backend: a lakeFS or bucket that keeps failing (after the
     * adapters' own retries) ends the audit {@link AuditReport.Outcome#INCOMPLETE}, or with the violations found
     * until then, the failure in {@link AuditReport#error()}.
     */
    public AuditReport run() {
        if (started.getAndIncrement() > 0) {
            throw new IllegalStateException("an audit runs once; create another MirrorAudit");
        }
        Instant startedAt = clock.instant();
        LOG.info("audit of mirror {} ({}) started{}", spec.id(), spec.describe(), options.strict() ? ", strict" : "");
        io = Executors.newFixedThreadPool(options.parallelism(), threads("audit-io-" + spec.id().value()));
        ExecutorService refPool = Executors.newFixedThreadPool(Math.max(1, options.parallelism() / 2),
                threads("audit-refs-" + spec.id().value()));
        dataPermits = new Semaphore(options.parallelism() * 4);
        List<RefReport> refs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] counted = new int[3];
        try {
            audit(refPool, refs, notes, counted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recordError("interrupted");
        } catch (RuntimeException e) {
            recordError(describe(e));
        } finally {
            refPool.shutdownNow();
            io.shutdownNow();
        }
        refs.sort(Comparator.comparing((RefReport r) -> r.kind()).thenComparing(RefReport::name));
        List<Finding> listed;
        synchronized (findings) {
            listed = new ArrayList<>(findings);
        }
        listed.sort(Comparator.comparing(Finding::invariant).thenComparing(Finding::refKind).thenComparing(Finding::ref)
                .thenComparing(Finding::object));
        Optional<String> error = Optional.ofNullable(firstError.get());
        AuditReport.Outcome outcome = findingsTotal.get() > 0 ? AuditReport.Outcome.VIOLATIONS
                : error.isPresent() ? AuditReport.Outcome.INCOMPLETE : AuditReport.Outcome.CLEAN;
        AuditReport report = new AuditReport(spec, options.strict(), startedAt, clock.instant(), outcome, error,
                new AuditReport.Counts(counted[0], counted[1], counted[2], commitsVerified.get(), metadataFiles.get(),
                        dataObjects.get(), dataSkipped.get(), findingsTotal.get()), listed, refs, notes);
        phase.set("done");
        LOG.info("audit of mirror {} finished {} in {} ms: {} finding(s) of {}; {} commits, {} metadata files, {} data objects{}",
                spec.id(), outcome, report.duration().toMillis(), findingsTotal.get(), report.violatedInvariants(),
                commitsVerified.get(), metadataFiles.get(), dataObjects.get(), error.map(e -> "; " + e).orElse(""));
        return report;
    }

    private void audit(ExecutorService refPool, List<RefReport> refs, List<String> notes, int[] counted)
            throws InterruptedException {
        phase.set("reading the repositories");
        LakeFs mirror = target.mirrorLakeFs();
        LakeFs source = target.sourceLakeFs();
        Repository mirrorRepo;
        try {
            mirrorRepo = mirror.getRepository(spec.name());
        } catch (NotFoundException e) {
            recordError("mirror repository " + spec.name() + " does not exist in region " + spec.destinationRegion()
                    + " (a mirror being created has none yet); nothing to audit");
            return;
        }
        if (!mirrorRepo.readOnly()) {
            addFinding(new Finding(Invariant.I6, RefKind.REPOSITORY, "*", ObjectKind.REPOSITORY, spec.name().value(),
                    "mirror repository " + spec.name() + " is writable: a mirror must be read-only"));
        }
        try {
            sourceNamespace = source.getRepository(spec.sourceRepository()).s3StorageNamespace();
        } catch (NotFoundException e) {
            recordError("source repository " + spec.sourceRepository() + " does not exist in region " + spec.sourceRegion()
                    + ": without it nothing can be compared");
            return;
        }
        phase.set("listing branches and tags");
        Map<BranchId, CommitId> mirrorBranches = branches(mirror, spec.name());
        Map<BranchId, CommitId> sourceBranches = branches(source, spec.sourceRepository());
        Optional<Map<String, CommitId>> mirrorTagList = tags(mirror, spec.name(), notes);
        Optional<Map<String, CommitId>> sourceTagList = tags(source, spec.sourceRepository(), notes);
        // Tags are compared only when both sides could be listed; otherwise the note says why they were not.
        boolean tagsListed = mirrorTagList.isPresent() && sourceTagList.isPresent();
        Map<String, CommitId> mirrorTags = tagsListed ? mirrorTagList.get() : Map.of();
        Map<String, CommitId> sourceTags = tagsListed ? sourceTagList.get() : Map.of();
        Map<BranchId, SensorBranchState> sensed = new HashMap<>();
        Map<BranchId, BranchState> states = new HashMap<>();
        target.pipeline().ifPresent(db -> {
            db.listSensorBranchStates(spec.id()).forEach(s -> sensed.put(s.branch(), s));
            db.listBranchStates(spec.id()).forEach(s -> states.put(s.branch(), s));
        });
        if (target.pipeline().isEmpty()) {
            notes.add("audited without the mirrors database: a reset or deletion of the source that the service has not"
                    + " applied yet counts as a violation");
        }
        TreeMap<BranchId, Boolean> allBranches = new TreeMap<>(Comparator.comparing(BranchId::value));
        mirrorBranches.keySet().forEach(b -> allBranches.put(b, true));
        sourceBranches.keySet().forEach(b -> allBranches.putIfAbsent(b, false));
        counted[0] = allBranches.size();
        counted[1] = mirrorTags.size();
        counted[2] = (int) sourceTags.keySet().stream().filter(t -> !mirrorTags.containsKey(t)).count();
        if (counted[2] > 0) {
            notes.add(counted[2] + " source tag(s) are not on the mirror " + (spec.mirrorTags()
                    ? "yet (their commits' files are not all in the mirror bucket, or the next pass of the mirrors"
                    + " manager adds them)" : "(this mirror does not mirror tags: mirror_tags is false)"));
        }
        List<Future<RefReport>> work = new ArrayList<>();
        for (BranchId branch : allBranches.keySet()) {
            CommitId mirrorHead = mirrorBranches.get(branch);
            Optional<CommitId> sourceHead = Optional.ofNullable(sourceBranches.get(branch));
            if (mirrorHead == null) {
                refs.add(new RefReport(RefKind.BRANCH, branch.value(), Optional.empty(), sourceHead,
                        RefReport.State.NOT_ON_MIRROR, 0, 0, 0, List.of(notOnMirror(branch, sensed.get(branch)))));
                continue;
            }
            work.add(refPool.submit(() -> auditBranch(branch, mirrorHead, sourceHead, Optional.ofNullable(sensed.get(branch)),
                    Optional.ofNullable(states.get(branch)))));
        }
        for (Map.Entry<String, CommitId> tag : new TreeMap<>(mirrorTags).entrySet()) {
            work.add(refPool.submit(() -> auditTag(tag.getKey(), tag.getValue(),
                    Optional.ofNullable(sourceTags.get(tag.getKey())))));
        }
        refsTotal.set(work.size());
        phase.set("checking heads, files and commits");
        for (Future<RefReport> f : work) {
            try {
                refs.add(f.get());
            } catch (ExecutionException e) {
                recordError(describe(e.getCause()));
            }
        }
    }

    private String notOnMirror(BranchId branch, SensorBranchState sensor) {
        if (target.pipeline().isEmpty()) {
            return "not on the mirror yet";
        }
        return sensor == null ? "not on the mirror yet; the source sensor has not announced it"
                : "not on the mirror yet; the source sensor announced it (sequence " + sensor.sequence() + ")";
    }

    private RefReport auditBranch(BranchId branch, CommitId mirrorHead, Optional<CommitId> sourceHead,
                                  Optional<SensorBranchState> sensor, Optional<BranchState> state) {
        Ref ref = new Ref(RefKind.BRANCH, branch.value());
        RefReport.State relation;
        List<String> notes = new ArrayList<>();
        if (sourceHead.isEmpty()) {
            relation = checkBranchTheSourceLacks(ref, branch, mirrorHead, sensor, state, notes);
        } else if (sourceHead.get().equals(mirrorHead)) {
            relation = RefReport.State.IN_SYNC;
        } else if (isAncestor(mirrorHead, sourceHead.get())) {
            relation = RefReport.State.BEHIND;
        } else {
            relation = checkDivergedHead(ref, branch, mirrorHead, sourceHead.get(), sensor, state, notes);
        }
        return finish(ref, mirrorHead, sourceHead, relation, notes);
    }

    /** I6 for a branch only the mirror has: excused only while the service applies the source's deletion. */
    private RefReport.State checkBranchTheSourceLacks(Ref ref, BranchId branch, CommitId mirrorHead,
                                                      Optional<SensorBranchState> sensor, Optional<BranchState> state,
                                                      List<String> notes) {
        if (target.pipeline().isPresent()) {
            if (sensor.isPresent() && sensor.get().head().isPresent()) {
                notes.add("the source deleted it after the sensor's last scan; the mirror follows");
                return RefReport.State.PENDING;
            }
            if (sensor.isPresent() && promotedSequence(state) < sensor.get().sequence()) {
                notes.add("the source deleted it (sequence " + sensor.get().sequence() + "); the mirror has not applied"
                        + " the deletion yet (promoted sequence " + promotedSequence(state) + ")");
                return RefReport.State.PENDING;
            }
        }
        String why = sensor.isEmpty()
                ? "the source has no branch " + branch + " and the service never recorded one: someone else created it"
                : "the source deleted branch " + branch + " and the service mirrored the deletion (sequence "
                        + sensor.get().sequence() + "), yet it exists: someone else created it again";
        ref.violations.incrementAndGet();
        addFinding(new Finding(Invariant.I6, RefKind.BRANCH, branch.value(), ObjectKind.BRANCH, branch.value(),
                "mirror branch " + branch + " at " + mirrorHead + ": " + why));
        return RefReport.State.VIOLATED;
    }

    /** I2 for a mirror head outside the source branch's history: excused only while the service applies a reset. */
    private RefReport.State checkDivergedHead(Ref ref, BranchId branch, CommitId mirrorHead, CommitId sourceHead,
                                              Optional<SensorBranchState> sensor, Optional<BranchState> state,
                                              List<String> notes) {
        if (target.pipeline().isPresent() && sensor.isPresent()) {
            boolean sensorBehindSource = !sensor.get().head().equals(Optional.of(sourceHead));
            boolean promotionBehindSensor = promotedSequence(state) < sensor.get().sequence();
            if (sensorBehindSource || promotionBehindSensor) {
                notes.add("the source branch moved to " + sourceHead + ", which does not descend from the mirror head (a"
                        + " reset); the mirror has not applied it yet");
                return RefReport.State.PENDING;
            }
        }
        ref.violations.incrementAndGet();
        addFinding(new Finding(Invariant.I2, RefKind.BRANCH, branch.value(), ObjectKind.COMMIT, mirrorHead.value(),
                "mirror head " + mirrorHead + " is not in the history of source branch " + branch + " (head " + sourceHead
                        + ")" + (target.pipeline().isPresent() ? ", and the service has applied every change of the"
                        + " source it saw" : "")));
        return RefReport.State.VIOLATED;
    }

    private static long promotedSequence(Optional<BranchState> state) {
        return state.map(BranchState::promotedSequence).orElse(0L);
    }

    private RefReport auditTag(String tag, CommitId mirrorHead, Optional<CommitId> sourceHead) {
        Ref ref = new Ref(RefKind.TAG, tag);
        RefReport.State relation = tagState(ref, tag, mirrorHead, sourceHead);
        return finish(ref, mirrorHead, sourceHead, relation, List.of());
    }

    /**
     * I6 and I2 for a mirror tag: the source has the tag, at the same commit. Nothing excuses a difference (the tag
     * pass keeps no per-tag state to tell a move it has not applied yet from a wrong tag); see the class comment.
     */
    private RefReport.State tagState(Ref ref, String tag, CommitId mirrorHead, Optional<CommitId> sourceHead) {
        if (sourceHead.isEmpty()) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I6, RefKind.TAG, tag, ObjectKind.TAG, tag, "mirror tag " + tag + " at "
                    + mirrorHead + ": the source has no tag " + tag + ", so someone else created it"));
            return RefReport.State.VIOLATED;
        }
        if (!sourceHead.get().equals(mirrorHead)) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I2, RefKind.TAG, tag, ObjectKind.TAG, tag, "mirror tag " + tag + " names "
                    + mirrorHead + " but the source tag names " + sourceHead.get()));
            return RefReport.State.VIOLATED;
        }
        return RefReport.State.IN_SYNC;
    }

    /** I1 and I5 on the mirror head, then the ref's report. */
    private RefReport finish(Ref ref, CommitId mirrorHead, Optional<CommitId> sourceHead, RefReport.State relation,
                             List<String> notes) {
        checkFiles(ref, mirrorHead);
        checkHistory(ref, mirrorHead);
        refsDone.incrementAndGet();
        RefReport.State finalState = ref.violations.get() > 0 ? RefReport.State.VIOLATED : relation;
        return new RefReport(ref.kind, ref.name, Optional.of(mirrorHead), sourceHead, finalState, ref.files.get(),
                ref.data.get(), ref.violations.get(), notes);
    }

    // ---- I1

    private void checkFiles(Ref ref, CommitId head) {
        CommitRecord commit = target.mirrorLakeFs().getCommit(spec.name(), head.asRef());
        if (commit.metaRangeId().isEmpty()) {
            return;
        }
        MetaRangeId metaRangeId = commit.metaRangeId().get();
        String metaKey = namespace.metadataKey(metaRangeId);
        Optional<ObjectStat> metaStat = stat(metaKey).join();
        ref.files.incrementAndGet();
        if (metaStat.isEmpty()) {
            missingMetadata(ref, head, ObjectKind.METARANGE, metaKey, "metarange");
            return;
        }
        List<RangeInfo> ranges;
        try {
            ranges = once(metaRanges, metaRangeId, () -> readMetaRange(metaKey, metaStat.get().size()));
        } catch (CorruptDataException e) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I1, ref.kind, ref.name, ObjectKind.METARANGE, uri(metaKey), "metarange of head "
                    + head + " cannot be read: " + e.getMessage()));
            return;
        } catch (NotFoundException e) {
            missingMetadata(ref, head, ObjectKind.METARANGE, metaKey, "metarange");
            return;
        }
        List<CompletableFuture<Optional<ObjectStat>>> lookups = ranges.stream()
                .map(r -> stat(namespace.metadataKey(r.id()))).toList();
        for (int i = 0; i < ranges.size(); i++) {
            String key = namespace.metadataKey(ranges.get(i).id());
            Optional<ObjectStat> found = lookups.get(i).join();
            ref.files.incrementAndGet();
            if (found.isEmpty()) {
                missingMetadata(ref, head, ObjectKind.RANGE, key, "range " + (i + 1) + " of " + ranges.size());
            } else if (options.strict()) {
                RangeInfo range = ranges.get(i);
                long size = found.get().size();
                ref.data.addAndGet(once(dataChecks, range.id(), () -> checkData(ref, range.id(), key, size)));
            }
        }
    }

    private void missingMetadata(Ref ref, CommitId head, ObjectKind kind, String key, String what) {
        ref.violations.incrementAndGet();
        addFinding(new Finding(Invariant.I1, ref.kind, ref.name, kind, uri(key), what + " of head " + head + " is missing: "
                + uri(key)));
    }

    private List<RangeInfo> readMetaRange(String key, long size) {
        List<RangeInfo> ranges = new ArrayList<>();
        GravelerReader.readMetaRange(target.mirrorBucket().open(namespace.bucket(), key, size)).forEachRemaining(ranges::add);
        return List.copyOf(ranges);
    }

    /** Strict I1: every data object of one range; returns how many were looked up. */
    private long checkData(Ref ref, RangeId range, String rangeKey, long size) {
        Iterator<EntryRecord> entries;
        try {
            entries = GravelerReader.readRange(target.mirrorBucket().open(namespace.bucket(), rangeKey, size));
        } catch (CorruptDataException e) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I1, ref.kind, ref.name, ObjectKind.RANGE, uri(rangeKey),
                    "range cannot be read: " + e.getMessage()));
            return 0;
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long looked = 0;
        try {
            while (entries.hasNext()) {
                EntryRecord record = entries.next();
                Optional<String> key = dataKey(record.entry());
                if (key.isEmpty()) {
                    dataSkipped.incrementAndGet();
                    continue;
                }
                dataPermits.acquireUninterruptibly();
                looked++;
                pending.add(CompletableFuture.supplyAsync(() -> target.mirrorBucket().stat(namespace.bucket(), key.get()), io)
                        .whenComplete((stat, failure) -> dataPermits.release())
                        .thenAccept(stat -> compareData(ref, range, record, key.get(), stat))
                        .whenComplete((done, failure) -> {
                            if (failure != null) {
                                failed.compareAndSet(null, failure);
                            }
                        }));
                pending.removeIf(CompletableFuture::isDone);
                if (failed.get() != null) {
                    break;
                }
            }
        } catch (CorruptDataException e) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I1, ref.kind, ref.name, ObjectKind.RANGE, uri(rangeKey),
                    "range cannot be read to its end: " + e.getMessage()));
        }
        pending.forEach(f -> f.handle((done, failure) -> null).join());
        if (failed.get() != null) {
            throw failed.get() instanceof CompletionException c && c.getCause() instanceof RuntimeException r ? r
                    : new CompletionException(failed.get());
        }
        return looked;
    }

    private void compareData(Ref ref, RangeId range, EntryRecord record, String key, Optional<ObjectStat> stat) {
        dataObjects.incrementAndGet();
        Entry entry = record.entry();
        String recorded = "path " + record.key() + " in range " + range.value();
        String problem = null;
        if (stat.isEmpty()) {
            problem = "data object of " + recorded + " is missing: " + uri(key);
        } else if (stat.get().size() != entry.size()) {
            problem = "data object " + uri(key) + " of " + recorded + " has " + stat.get().size() + " bytes, the range records "
                    + entry.size();
        } else if (stat.get().eTag().isPresent() && !entry.eTag().isEmpty()
                && !stat.get().eTag().get().equals(ObjectStat.unquote(entry.eTag()))) {
            problem = "data object " + uri(key) + " of " + recorded + " has ETag " + stat.get().eTag().get()
                    + ", the range records " + ObjectStat.unquote(entry.eTag());
        }
        if (problem != null) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I1, ref.kind, ref.name, ObjectKind.DATA_OBJECT, uri(key), problem));
        }
    }

    /**
     * Where a data object lives in the mirror bucket: a relative address under the mirror namespace; a full address
     * under the mirror's or the source's namespace (replication keeps keys); anything else (imported objects) is not
     * replicated with the namespace and is skipped.
     */
    Optional<String> dataKey(Entry entry) {
        String address = entry.address();
        boolean full = entry.addressType() == Entry.AddressType.FULL || address.contains("://");
        if (!full) {
            return Optional.of(namespace.key(address));
        }
        for (StorageNamespace ns : sourceNamespace.isPresent() ? List.of(namespace, sourceNamespace.get()) : List.of(namespace)) {
            String root = ns.value() + "/";
            if (address.startsWith(root)) {
                return Optional.of(namespace.key(address.substring(root.length())));
            }
        }
        return Optional.empty();
    }

    private CompletableFuture<Optional<ObjectStat>> stat(String key) {
        return stats.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(() -> {
            metadataFiles.incrementAndGet();
            return target.mirrorBucket().stat(namespace.bucket(), k);
        }, io));
    }

    // ---- I5 (and I6 for commits the source lacks)

    private void checkHistory(Ref ref, CommitId head) {
        SourceLog sourceLog = new SourceLog(head);
        LogRequest request = LogRequest.first(LOG_PAGE);
        while (true) {
            Page<CommitRecord> page;
            try {
                page = target.mirrorLakeFs().logCommits(spec.name(), head.asRef(), request);
            } catch (NotFoundException e) {
                ref.violations.incrementAndGet();
                addFinding(new Finding(Invariant.I5, ref.kind, ref.name, ObjectKind.COMMIT, head.value(), "the history of "
                        + head + " cannot be walked on the mirror (a parent commit is missing?): " + e.getMessage()));
                return;
            }
            for (CommitRecord onMirror : page.results()) {
                if (verified.add(onMirror.id())) {
                    verify(ref, onMirror, sourceLog);
                }
            }
            if (!page.hasMore()) {
                return;
            }
            request = request.next(page);
        }
    }

    private void verify(Ref ref, CommitRecord onMirror, SourceLog sourceLog) {
        commitsVerified.incrementAndGet();
        CommitId computed = CommitIds.of(onMirror);
        if (!computed.equals(onMirror.id())) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I5, ref.kind, ref.name, ObjectKind.COMMIT, onMirror.id().value(),
                    "mirror commit " + onMirror.id() + " hashes to " + computed + ": its record was changed under its ID"));
        }
        Optional<CommitRecord> onSource = sourceLog.find(onMirror.id());
        if (onSource.isEmpty()) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I6, ref.kind, ref.name, ObjectKind.COMMIT, onMirror.id().value(),
                    "mirror commit " + onMirror.id() + " does not exist on the source: someone else wrote it"));
            return;
        }
        List<String> differences = differences(onMirror, onSource.get());
        if (!differences.isEmpty()) {
            ref.violations.incrementAndGet();
            addFinding(new Finding(Invariant.I5, ref.kind, ref.name, ObjectKind.COMMIT, onMirror.id().value(),
                    "mirror commit " + onMirror.id() + " differs from the source's in " + String.join(", ", differences)));
        }
    }

    static List<String> differences(CommitRecord mirror, CommitRecord source) {
        List<String> fields = new ArrayList<>();
        compare(fields, "parents", mirror, source, CommitRecord::parents);
        compare(fields, "metarange", mirror, source, CommitRecord::metaRangeId);
        compare(fields, "committer", mirror, source, CommitRecord::committer);
        compare(fields, "message", mirror, source, CommitRecord::message);
        compare(fields, "creation date", mirror, source, CommitRecord::creationDate);
        compare(fields, "metadata", mirror, source, CommitRecord::metadata);
        compare(fields, "generation", mirror, source, CommitRecord::generation);
        compare(fields, "version", mirror, source, CommitRecord::version);
        return fields;
    }

    private static void compare(List<String> fields, String name, CommitRecord mirror, CommitRecord source,
                                Function<CommitRecord, Object> field) {
        Object m = field.apply(mirror);
        Object s = field.apply(source);
        if (!m.equals(s)) {
            fields.add(name + " (mirror " + m + ", source " + s + ")");
        }
    }

    /**
     * The source's records of one head's history, read page by page beside the mirror's log: the same history
     * lists the same commits in the same order on both sides, so a lookup usually finds the record on the page
     * already read. Records missing from the source log are fetched one by one.
     */
    private final class SourceLog {
        private final CommitId head;
        private final Map<CommitId, CommitRecord> buffer = new HashMap<>();
        private LogRequest next = LogRequest.first(LOG_PAGE);
        private boolean exhausted;

        SourceLog(CommitId head) {
            this.head = head;
        }

        Optional<CommitRecord> find(CommitId id) {
            CommitRecord found = buffer.remove(id);
            while (found == null && !exhausted && buffer.size() < SOURCE_BUFFER_LIMIT) {
                readPage();
                found = buffer.remove(id);
            }
            if (found != null) {
                return Optional.of(found);
            }
            try {
                return Optional.of(target.sourceLakeFs().getCommit(spec.sourceRepository(), id.asRef()));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        }

        private void readPage() {
            Page<CommitRecord> page;
            try {
                page = target.sourceLakeFs().logCommits(spec.sourceRepository(), head.asRef(), next);
            } catch (NotFoundException e) {
                exhausted = true;
                return;
            }
            page.results().forEach(c -> buffer.put(c.id(), c));
            if (page.hasMore()) {
                next = next.next(page);
            } else {
                exhausted = true;
            }
        }
    }

    // ---- I2 ancestry

    /** Whether {@code ancestor} is {@code head} or reachable from it on the source. */
    private boolean isAncestor(CommitId ancestor, CommitId head) {
        return ancestry.computeIfAbsent(ancestor.value() + "/" + head.value(), k -> walkFinds(ancestor, head));
    }

    private boolean walkFinds(CommitId ancestor, CommitId head) {
        LogRequest request = LogRequest.first(LOG_PAGE).stopAt(ancestor.asRef());
        try {
            while (true) {
                Page<CommitRecord> page = target.sourceLakeFs().logCommits(spec.sourceRepository(), head.asRef(), request);
                if (page.results().stream().anyMatch(c -> c.id().equals(ancestor))) {
                    return true;
                }
                if (!page.hasMore()) {
                    return false;
                }
                request = request.next(page);
            }
        } catch (NotFoundException e) {
            return false;
        }
    }

    // ---- helpers

    private Map<BranchId, CommitId> branches(LakeFs lakeFs, RepositoryId repository) {
        // The promoter's fence refs are its own short-lived refs, not mirrored branches (pipeline.md, "Fenced promotions").
        return Page.all(after -> lakeFs.listBranches(repository, PageRequest.largest().after(after), true))
                .filter(b -> !FenceRefs.isFence(b.id()))
                .collect(Collectors.toMap(Branch::id, Branch::commitId, (a, b) -> a));
    }

    /**
     * The tags of {@code repository}, or empty when the caller may not list them: the audit is then incomplete (tags
     * are mirrored, so unchecked tags are unchecked invariants), and its branches, commits and files are still
     * audited. The branches were listed with the same keys just before, so a 401 here is a missing permission.
     */
    private Optional<Map<String, CommitId>> tags(LakeFs lakeFs, RepositoryId repository, List<String> notes) {
        try {
            return Optional.of(Page.all(after -> lakeFs.listTags(repository, PageRequest.largest().after(after)))
                    .collect(Collectors.toMap(t -> t.id().value(), Tag::commitId, (a, b) -> a)));
        } catch (AuthorizationException | AuthenticationException e) {
            recordError("the tags of " + repository + " cannot be listed: the audit's lakeFS user lacks fs:ListTags ("
                    + e.getMessage() + "); grant it (the replication policy of docs/operations.md does) and audit again");
            return Optional.empty();
        }
    }

    private void addFinding(Finding finding) {
        if (!reported.add(finding.invariant() + "|" + finding.ref() + "|" + finding.kind() + "|" + finding.object() + "|"
                + finding.detail())) {
            return;
        }
        findingsTotal.incrementAndGet();
        LOG.warn("audit of mirror {}: {}", spec.id(), finding);
        synchronized (findings) {
            if (findings.size() < options.maxFindings()) {
                findings.add(finding);
            }
        }
    }

    private void recordError(String message) {
        if (firstError.compareAndSet(null, message)) {
            LOG.warn("audit of mirror {} cannot check everything: {}", spec.id(), message);
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private String uri(String key) {
        return "s3://" + namespace.bucket() + "/" + key;
    }

    /** The value for {@code key}, computed once however many threads ask; a failure is every asker's failure. */
    private static <K, V> V once(ConcurrentMap<K, CompletableFuture<V>> map, K key, Supplier<V> compute) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = map.putIfAbsent(key, mine);
        if (existing != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            V value = compute.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static java.util.concurrent.ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A branch or tag being audited, with its counters. */
    private static final class Ref {
        final RefKind kind;
        final String name;
        final AtomicLong files = new AtomicLong();
        final AtomicLong data = new AtomicLong();
        final AtomicInteger violations = new AtomicInteger();

        Ref(RefKind kind, String name) {
            this.kind = kind;
            this.name = name;
        }
    }
}
