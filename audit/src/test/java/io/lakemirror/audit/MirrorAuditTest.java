package io.lakemirror.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.blockstore.InMemoryBlockStore;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.domain.TagId;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerWriter;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.lakefs.fake.LakeFsOperation;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorsReader;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.StorePage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit on hand-written fakes of its ports: a source and a mirror lakeFS ({@link FakeLakeFs}), the mirror's
 * bucket ({@link InMemoryBlockStore}) holding real graveler files, and the mirrors database's branch states.
 */
class MirrorAuditTest {
    private static final RepositoryId SOURCE = RepositoryId.of("sales");
    private static final RepositoryId MIRROR = RepositoryId.of("sales-mirror");
    private static final StorageNamespace SOURCE_NS = StorageNamespace.of("s3://bucket-us/repos/sales");
    private static final StorageNamespace MIRROR_NS = StorageNamespace.of("s3://bucket-eu/repos/sales");
    private static final BranchId MAIN = BranchId.of("main");
    private static final MirrorId ID = MirrorId.of("m1");
    private static final MirrorSpec SPEC = new MirrorSpec(ID, MIRROR, SOURCE, Region.of("us-east-1"), Region.of("eu-west-1"),
            MIRROR_NS, MAIN, Instant.parse("2026-11-25T10:00:00Z"), "admin", Optional.empty());

    private FakeLakeFs source;
    private FakeLakeFs mirror;
    private InMemoryBlockStore bucket;
    private final Map<BranchId, SensorBranchState> sensed = new HashMap<>();
    private final Map<BranchId, BranchState> states = new HashMap<>();
    private final Map<String, byte[]> data = new HashMap<>();
    private int files;

    @BeforeEach
    void setUp() {
        source = new FakeLakeFs();
        mirror = new FakeLakeFs();
        bucket = new InMemoryBlockStore();
        source.createRepository(RepositoryCreation.of(SOURCE, SOURCE_NS));
        mirror.createRepository(RepositoryCreation.mirror(MIRROR, MIRROR_NS, MAIN));
    }

    // ---- helpers that build a mirror the way the service would

    /** Commits two data files on the source branch, with real metadata files, and puts all files in the mirror bucket. */
    private CommitId commit(BranchId branch, String name) {
        List<EntryRecord> entries = new ArrayList<>();
        for (String path : List.of("data/" + name + "-a.csv", "data/" + name + "-b.csv")) {
            byte[] bytes = (path + " " + files++).getBytes(StandardCharsets.UTF_8);
            String address = "data/g" + files + "/" + path.replace('/', '_');
            data.put(address, bytes);
            bucket.put(MIRROR_NS.bucket(), MIRROR_NS.key(address), bytes);
            entries.add(new EntryRecord(path, new Entry(address, Entry.AddressType.RELATIVE, Instant.EPOCH, bytes.length,
                    InMemoryBlockStore.md5(bytes), Map.of(), ""), null));
        }
        GravelerWriter.WrittenMetaRange written = GravelerWriter.writeMetaRange(entries.iterator());
        bucket.put(MIRROR_NS.bucket(), MIRROR_NS.metadataKey(written.id()), written.bytes());
        written.ranges().forEach(r -> bucket.put(MIRROR_NS.bucket(), MIRROR_NS.metadataKey(r.id()), r.bytes()));
        return source.commit(SOURCE, branch, CommitSpec.message(name).metaRangeId(written.id())).id();
    }

    /** Copies a source branch's history and head to the mirror, as the promoter does, and records the pipeline state. */
    private void mirrorBranch(BranchId branch) {
        CommitId head = source.head(SOURCE, branch);
        List<CommitRecord> history = new ArrayList<>(Page.all(after -> source.logCommits(SOURCE, head.asRef(),
                after.isEmpty() ? LogRequest.first(1000) : LogRequest.first(1000).after(CommitId.of(after))))
                .toList());
        java.util.Collections.reverse(history);
        for (CommitRecord c : history) {
            try {
                mirror.createCommitRecord(MIRROR, c, true);
            } catch (io.lakemirror.domain.AlreadyExistsException exists) {
                // shared history
            }
        }
        mirror.setBranch(MIRROR, branch, head);
        long sequence = sensed.containsKey(branch) ? sensed.get(branch).sequence() + 1 : 1;
        sensed.put(branch, new SensorBranchState(ID, branch, sequence, Optional.of(head), Instant.now(), true, 1));
        states.put(branch, promoted(branch, sequence, Optional.of(head)));
    }

    private static BranchState promoted(BranchId branch, long sequence, Optional<CommitId> head) {
        return new BranchState(ID, branch, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new BranchState.Promoted(sequence, head, Instant.now(), 1)), Optional.empty(), Optional.empty());
    }

    private AuditReport audit(boolean strict) {
        return audit(strict, mirror);
    }

    private AuditReport audit(boolean strict, LakeFs mirrorLakeFs) {
        AuditTarget target = new AuditTarget(SPEC, source, mirrorLakeFs, bucket, Optional.of(pipeline()));
        return new MirrorAudit(target, AuditOptions.defaults(strict).withParallelism(4), Clock.systemUTC()).run();
    }

    private MirrorsReader pipeline() {
        return new MirrorsReader() {
            @Override
            public Optional<MirrorRecord> getMirror(MirrorId id) {
                return Optional.empty();
            }

            @Override
            public StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit) {
                return new StorePage<>(List.of(), Optional.empty());
            }

            @Override
            public Optional<MirrorId> findByName(Region destination, RepositoryId name) {
                return Optional.empty();
            }

            @Override
            public Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch) {
                return Optional.ofNullable(sensed.get(branch));
            }

            @Override
            public List<SensorBranchState> listSensorBranchStates(MirrorId id) {
                return List.copyOf(sensed.values());
            }

            @Override
            public Optional<BranchState> getBranchState(MirrorId id, BranchId branch) {
                return Optional.ofNullable(states.get(branch));
            }

            @Override
            public List<BranchState> listBranchStates(MirrorId id) {
                return List.copyOf(states.values());
            }

            @Override
            public Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits) {
                return Set.of();
            }
        };
    }

    private static List<String> lines(AuditReport report) {
        return report.findings().stream().map(Finding::toString).toList();
    }

    // ---- the tests

    @Test
    void run_shouldReportClean_whenEveryHeadIsCompleteAndEqualsTheSource() {
        commit(MAIN, "one");
        commit(MAIN, "two");
        mirrorBranch(MAIN);

        AuditReport report = audit(true);

        assertThat(report.outcome()).as(AuditReportText.render(report)).isEqualTo(AuditReport.Outcome.CLEAN);
        assertThat(report.refs()).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RefReport.State.IN_SYNC);
            assertThat(r.metadataFiles()).isEqualTo(2);
            assertThat(r.dataObjects()).as("the head's two data objects, not those of older commits").isEqualTo(2);
        });
        assertThat(report.counts().commitsVerified()).isEqualTo(3);
        assertThat(AuditReportText.render(report)).contains("result: clean");
        assertThat(AuditReportJson.toJson(report).get("result").asText()).isEqualTo("clean");
    }

    @Test
    void run_shouldReportI1NamingTheKey_whenARangeOfAHeadIsMissingFromTheBucket() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        CommitRecord head = mirror.getCommit(MIRROR, MAIN.asRef());
        String metaKey = MIRROR_NS.metadataKey(head.metaRangeId().orElseThrow());
        assertThat(audit(false).clean()).isTrue();
        // The range is the one metadata file the clean audit looked up besides the metarange.
        String rangeKey = bucket.requests().stream().filter(r -> r.startsWith("HEAD ") && r.contains("/_lakefs/"))
                .map(r -> r.substring("HEAD bucket-eu/".length())).filter(k -> !k.equals(metaKey)).findFirst().orElseThrow();
        bucket.remove(MIRROR_NS.bucket(), rangeKey);

        AuditReport report = audit(false);

        assertThat(report.outcome()).isEqualTo(AuditReport.Outcome.VIOLATIONS);
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.invariant()).isEqualTo(Invariant.I1);
            assertThat(f.kind()).isEqualTo(Finding.ObjectKind.RANGE);
            assertThat(f.ref()).isEqualTo("main");
        });
        assertThat(lines(report).get(0)).contains("s3://bucket-eu/" + rangeKey).startsWith("I1 branch main");
    }

    @Test
    void run_shouldReportI1_whenTheMetarangeIsMissing() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        String metaKey = MIRROR_NS.metadataKey(mirror.getCommit(MIRROR, MAIN.asRef()).metaRangeId().orElseThrow());
        bucket.remove(MIRROR_NS.bucket(), metaKey);

        AuditReport report = audit(false);

        assertThat(lines(report)).singleElement().asString().contains("I1").contains("metarange").contains(metaKey);
    }

    @Test
    void run_shouldReportI6_whenTheMirrorHasABranchTheSourceNeverHad() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        mirror.createBranch(MIRROR, BranchId.of("intruder"), MAIN.asRef(), true);

        AuditReport report = audit(false);

        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.invariant()).isEqualTo(Invariant.I6);
            assertThat(f.object()).isEqualTo("intruder");
            assertThat(f.detail()).contains("never recorded one");
        });
    }

    @Test
    void run_shouldExcuseABranchTheSourceDeleted_whileTheDeletionIsNotPromoted() {
        BranchId dev = BranchId.of("dev");
        commit(MAIN, "one");
        source.createBranch(SOURCE, dev, MAIN.asRef(), false);
        mirrorBranch(MAIN);
        mirrorBranch(dev);
        source.deleteBranch(SOURCE, dev, false);
        sensed.put(dev, new SensorBranchState(ID, dev, 2, Optional.empty(), Instant.now(), true, 1));

        AuditReport pending = audit(false);
        states.put(dev, promoted(dev, 2, Optional.empty()));
        AuditReport applied = audit(false);

        assertThat(pending.clean()).as(AuditReportText.render(pending)).isTrue();
        assertThat(pending.refs()).filteredOn(r -> r.name().equals("dev")).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(RefReport.State.PENDING));
        assertThat(lines(applied)).singleElement().asString().startsWith("I6 branch dev")
                .contains("mirrored the deletion");
    }

    @Test
    void run_shouldReportI2_whenAMirrorHeadIsOutsideTheSourceHistory_andExcuseIt_whileAResetIsPending() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        CommitId base = source.head(SOURCE, MAIN);
        commit(MAIN, "two");
        mirrorBranch(MAIN);
        // The source is reset back and moves elsewhere; the mirror is still at "two".
        source.hardResetBranch(SOURCE, MAIN, base.asRef(), false);
        CommitId sideways = commit(MAIN, "three");
        copyRecord(sideways);
        sensed.put(MAIN, new SensorBranchState(ID, MAIN, 3, Optional.of(sideways), Instant.now(), true, 3));

        AuditReport pending = audit(false);
        states.put(MAIN, promoted(MAIN, 3, Optional.of(sideways)));
        AuditReport violated = audit(false);

        assertThat(pending.clean()).as(AuditReportText.render(pending)).isTrue();
        assertThat(pending.refs().get(0).state()).isEqualTo(RefReport.State.PENDING);
        assertThat(violated.findings()).singleElement().satisfies(f -> {
            assertThat(f.invariant()).isEqualTo(Invariant.I2);
            assertThat(f.detail()).contains("not in the history of source branch main");
        });
    }

    private void copyRecord(CommitId id) {
        mirror.createCommitRecord(MIRROR, source.getCommit(SOURCE, id.asRef()), true);
    }

    @Test
    void run_shouldReportBehind_notAViolation_whenTheMirrorHeadIsAnOlderSourceHead() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        commit(MAIN, "two");

        AuditReport report = audit(false);

        assertThat(report.clean()).isTrue();
        assertThat(report.refs().get(0).state()).isEqualTo(RefReport.State.BEHIND);
    }

    @Test
    void run_shouldReportI6ForATagTheSourceLacks_andI2ForATagNamingAnotherCommit() {
        CommitId one = commit(MAIN, "one");
        commit(MAIN, "two");
        mirrorBranch(MAIN);
        source.createTag(SOURCE, TagId.of("v1"), one.asRef(), false);
        mirror.createTag(MIRROR, TagId.of("v1"), MAIN.asRef(), true);
        mirror.createTag(MIRROR, TagId.of("foreign"), one.asRef(), true);

        AuditReport report = audit(false);

        assertThat(lines(report)).hasSize(2);
        assertThat(lines(report).get(0)).startsWith("I2 tag v1").contains("names");
        assertThat(lines(report).get(1)).startsWith("I6 tag foreign").contains("source has no tag foreign");
        assertThat(report.counts().tags()).isEqualTo(2);
    }

    @Test
    void run_shouldAuditAMirroredTagsFilesAndHistory_whenItMatchesTheSource() {
        CommitId one = commit(MAIN, "one");
        mirrorBranch(MAIN);
        source.createTag(SOURCE, TagId.of("v1"), one.asRef(), false);
        mirror.createTag(MIRROR, TagId.of("v1"), one.asRef(), true);

        AuditReport report = audit(false);

        assertThat(report.clean()).isTrue();
        assertThat(report.refs()).filteredOn(r -> r.kind() == Finding.RefKind.TAG).singleElement()
                .satisfies(r -> assertThat(r.metadataFiles()).isEqualTo(2));
    }

    @Test
    void run_shouldAuditBranchesAndBeIncomplete_whenTheUserMayNotListTags() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        mirror.failAlways(LakeFsOperation.LIST_TAGS, MIRROR,
                () -> new io.lakemirror.domain.AuthorizationException("insufficient permissions: not allowed to fs:ListTags"));

        AuditReport report = audit(false);

        assertThat(report.outcome()).isEqualTo(AuditReport.Outcome.INCOMPLETE);
        assertThat(report.findings()).isEmpty();
        assertThat(report.refs()).filteredOn(r -> r.kind() == Finding.RefKind.BRANCH).hasSize(1);
        assertThat(report.error()).hasValueSatisfying(e -> assertThat(e).contains("tags", "fs:ListTags"));
    }

    @Test
    void run_shouldNameAMissingDataObject_onlyWhenStrict() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        String address = data.keySet().iterator().next();
        bucket.remove(MIRROR_NS.bucket(), MIRROR_NS.key(address));

        AuditReport relaxed = audit(false);
        AuditReport strict = audit(true);

        assertThat(relaxed.clean()).isTrue();
        assertThat(strict.findings()).singleElement().satisfies(f -> {
            assertThat(f.invariant()).isEqualTo(Invariant.I1);
            assertThat(f.kind()).isEqualTo(Finding.ObjectKind.DATA_OBJECT);
            assertThat(f.object()).isEqualTo("s3://bucket-eu/" + MIRROR_NS.key(address));
            assertThat(f.detail()).contains("is missing");
        });
    }

    @Test
    void run_shouldReportADataObjectWhoseSizeOrETagDiffersFromTheRange_whenStrict() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        List<String> addresses = new ArrayList<>(data.keySet());
        bucket.put(MIRROR_NS.bucket(), MIRROR_NS.key(addresses.get(0)), "something longer than before".getBytes(StandardCharsets.UTF_8));
        byte[] sameSize = data.get(addresses.get(1)).clone();
        sameSize[0] ^= 1;
        bucket.put(MIRROR_NS.bucket(), MIRROR_NS.key(addresses.get(1)), sameSize);

        AuditReport report = audit(true);

        assertThat(lines(report)).hasSize(2).anySatisfy(l -> assertThat(l).contains("bytes, the range records"))
                .anySatisfy(l -> assertThat(l).contains("has ETag"));
    }

    @Test
    void run_shouldReportI6_whenTheMirrorRepositoryIsWritable() {
        mirror = new FakeLakeFs();
        mirror.createRepository(RepositoryCreation.mirror(MIRROR, MIRROR_NS, MAIN).withReadOnly(false));
        commit(MAIN, "one");
        mirrorBranch(MAIN);

        AuditReport report = audit(false);

        assertThat(lines(report)).singleElement().asString().startsWith("I6 repository").contains("writable");
    }

    @Test
    void run_shouldReportI5_whenAMirrorRecordNoLongerHashesToItsId() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        CommitId head = mirror.head(MIRROR, MAIN);

        AuditReport report = audit(false, tampering(mirror, head));

        assertThat(report.findings()).extracting(Finding::invariant).contains(Invariant.I5);
        assertThat(lines(report)).anySatisfy(l -> assertThat(l).contains("hashes to").contains(head.value()))
                .anySatisfy(l -> assertThat(l).contains("differs from the source's in metadata"));
    }

    @Test
    void differences_shouldNameEachFieldThatDiffers() {
        commit(MAIN, "one");
        CommitRecord c = source.getCommit(SOURCE, MAIN.asRef());
        CommitRecord other = new CommitRecord(c.id(), List.of(), c.committer(), "changed", c.metaRangeId(), c.creationDate(),
                c.metadata(), c.generation(), c.version());

        assertThat(MirrorAudit.differences(other, c)).hasSize(2)
                .anySatisfy(d -> assertThat(d).startsWith("parents"))
                .anySatisfy(d -> assertThat(d).startsWith("message"));
    }

    @Test
    void run_shouldEndIncompleteNamingTheFailure_whenLakeFsKeepsFailing() {
        commit(MAIN, "one");
        mirrorBranch(MAIN);
        mirror.failAlways(LakeFsOperation.LOG_COMMITS, MIRROR, FakeLakeFs.serverError("logCommits"));

        AuditReport report = audit(false);

        assertThat(report.outcome()).isEqualTo(AuditReport.Outcome.INCOMPLETE);
        assertThat(report.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 503"));
        assertThat(AuditReportText.render(report)).contains("result: incomplete");
    }

    /** The mirror lakeFS, but the log and the record of {@code victim} carry an extra metadata entry under the same ID. */
    private static LakeFs tampering(LakeFs delegate, CommitId victim) {
        return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof CommitRecord c) {
                        return tamper(c, victim);
                    }
                    if (result instanceof Page<?> page && method.getName().equals("logCommits")) {
                        return new Page<>(page.results().stream().map(c -> tamper((CommitRecord) c, victim)).toList(),
                                page.hasMore(), page.nextOffset());
                    }
                    return result;
                });
    }

    private static CommitRecord tamper(CommitRecord c, CommitId victim) {
        if (!c.id().equals(victim)) {
            return c;
        }
        Map<String, String> metadata = new HashMap<>(c.metadata());
        metadata.put("approved_by", "nobody");
        return new CommitRecord(c.id(), c.parents(), c.committer(), c.message(), c.metaRangeId(), c.creationDate(),
                metadata, c.generation(), c.version());
    }
}
