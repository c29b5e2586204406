package io.lakemirror.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakefs.clients.sdk.model.Commit;
import io.lakefs.clients.sdk.model.ObjectStats;
import io.lakemirror.blockstore.ByteSource;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.EntryRecord;
import io.lakemirror.graveler.GravelerReader;
import io.lakemirror.graveler.RangeInfo;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Commits on the test server are real lakeFS commits: their metarange and ranges are graveler files
 * in the bucket that the codec reads back, their IDs are lakeFS's hash of their fields, and their
 * records copied into a bare read-only mirror rebuild the same history.
 */
@ExtendWith(SharedS3Extension.class)
class CommitFilesTest {
    private static final BranchId MAIN = BranchId.of("main");
    private static final AtomicInteger REPOS = new AtomicInteger();
    private static SharedS3 s3;
    private static String bucket;
    private static LakeFsTestServer server;
    private static SdkLakeFs lakeFs;
    private static Sdk sdk;

    @BeforeAll
    static void start(SharedS3 shared) {
        s3 = shared;
        bucket = s3.newBucket();
        server = s3.server().start();
        lakeFs = SdkLakeFs.create(server.endpoint(), server.adminAccessKeyId(), new Secret(server.adminSecretAccessKey()));
        sdk = Sdk.admin(server);
    }

    @AfterAll
    static void stop() {
        if (lakeFs != null) {
            lakeFs.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static StorageNamespace namespace(String kind) {
        return StorageNamespace.of("s3://" + bucket + "/" + kind + "/" + REPOS.incrementAndGet());
    }

    private static RepositoryId newRepository(StorageNamespace ns) {
        RepositoryId id = RepositoryId.of("files-" + REPOS.incrementAndGet());
        lakeFs.createRepository(RepositoryCreation.of(id, ns));
        return id;
    }

    private static byte[] object(StorageNamespace ns, String relativeKey) {
        return s3.client().getObjectAsBytes(b -> b.bucket(ns.bucket()).key(ns.key(relativeKey))).asByteArray();
    }

    private static List<EntryRecord> readTree(StorageNamespace ns, MetaRangeId metaRange, List<RangeInfo> ranges) {
        Iterator<RangeInfo> it = GravelerReader.readMetaRange(
                ByteSource.of(metaRange.value(), object(ns, metaRange.relativeKey())));
        it.forEachRemaining(ranges::add);
        List<EntryRecord> records = new ArrayList<>();
        for (RangeInfo range : ranges) {
            GravelerReader.readRange(ByteSource.of(range.id().value(), object(ns, range.id().relativeKey())))
                    .forEachRemaining(records::add);
        }
        return records;
    }

    @Test
    void commit_shouldWriteRangesAndMetaRangeThatTheCodecReadsBack_andHashItsFieldsIntoItsId() {
        StorageNamespace ns = namespace("commit");
        RepositoryId repo = newRepository(ns);
        String parent = lakeFs.getBranch(repo, MAIN).commitId().value();
        Map<String, ObjectStats> uploaded = Map.of(
                "b/2.txt", sdk.upload(repo, MAIN, "b/2.txt", "second"),
                "a/1.txt", sdk.upload(repo, MAIN, "a/1.txt", "first"),
                "c.txt", sdk.upload(repo, MAIN, "c.txt", "third file"));

        Commit made = sdk.commit(repo, MAIN, "three files", Map.of("owner", "tests"), 1_700_000_000L);

        CommitRecord commit = lakeFs.getCommit(repo, MAIN.asRef());
        MetaRangeId metaRange = commit.metaRangeId().orElseThrow();
        List<RangeInfo> ranges = new ArrayList<>();
        List<EntryRecord> records = readTree(ns, metaRange, ranges);
        assertThat(ranges).isNotEmpty();
        assertThat(records).extracting(EntryRecord::key).containsExactly("a/1.txt", "b/2.txt", "c.txt");
        for (EntryRecord r : records) {
            ObjectStats stats = uploaded.get(r.key());
            Entry e = r.entry();
            assertThat(e.addressType()).isEqualTo(Entry.AddressType.RELATIVE);
            assertThat(e.address()).matches("data/[0-9a-v]{20}/[0-9a-v]{20}");
            assertThat(stats.getPhysicalAddress()).isEqualTo(ns.value() + "/" + e.address());
            assertThat(e.eTag()).isEqualTo(stats.getChecksum());
            assertThat(e.size()).isEqualTo(stats.getSizeBytes());
            assertThat(r.identityMatchesEntry()).isTrue();
        }
        assertThat(commit.id().value()).isEqualTo(made.getId()).isEqualTo(CommitIds.compute("admin", "three files",
                metaRange.value(), 1_700_000_000L, Map.of("owner", "tests"), List.of(parent)));
        assertThat(commit.committer()).isEqualTo("admin");
        assertThat(commit.parents()).extracting(Object::toString).containsExactly(parent);
        assertThat(commit.generation()).isEqualTo(2);
        assertThat(commit.version()).isEqualTo(1);
        assertThat(CommitIds.of(commit)).isEqualTo(commit.id());
    }

    @Test
    void commit_shouldWriteAMetaRangeWithoutRanges_whenTheTreeIsEmpty() {
        StorageNamespace ns = namespace("empty");
        RepositoryId repo = newRepository(ns);

        CommitRecord commit = lakeFs.getCommit(repo, Ref.of(emptyCommit(repo)));

        List<RangeInfo> ranges = new ArrayList<>();
        assertThat(readTree(ns, commit.metaRangeId().orElseThrow(), ranges)).isEmpty();
        assertThat(ranges).isEmpty();
        assertThat(commit.metaRangeId().orElseThrow().value())
                .isEqualTo("00fb7eff1a97c500eb3ca8d2ef5464131d6b6a5f9512e41eba97843522213b66");
    }

    private static String emptyCommit(RepositoryId repo) {
        Raw.Response r = Raw.admin(server).post("/repositories/" + repo + "/branches/main/commits",
                new JsonObject().put("message", "nothing").put("allow_empty", true));
        assertThat(r.status()).isEqualTo(201);
        return r.json().getString("id");
    }

    @Test
    void merge_shouldCreateATwoParentCommit_oneGenerationAboveBothParents() {
        RepositoryId repo = newRepository(namespace("merge"));
        sdk.commitFiles(repo, MAIN, Map.of("base", "0"), "base");
        lakeFs.createBranch(repo, BranchId.of("side"), MAIN.asRef(), false);
        Commit side1 = sdk.commitFiles(repo, BranchId.of("side"), Map.of("side", "1"), "side 1");
        Commit side2 = sdk.commitFiles(repo, BranchId.of("side"), Map.of("side", "2"), "side 2");
        Commit main = sdk.commitFiles(repo, MAIN, Map.of("main", "1"), "main 1");

        String merged = sdk.merge(repo, "side", MAIN);

        CommitRecord m = lakeFs.getCommit(repo, Ref.of(merged));
        assertThat(m.parents()).extracting(Object::toString).containsExactly(main.getId(), side2.getId());
        assertThat(m.generation()).isEqualTo(Math.max(main.getGeneration(), side2.getGeneration()) + 1);
        assertThat(m.message()).isEqualTo("Merge 'side' into 'main'");
        assertThat(CommitIds.of(m)).isEqualTo(m.id());
        assertThat(side1.getGeneration()).isEqualTo(3);
        assertThat(lakeFs.getBranch(repo, MAIN).commitId()).isEqualTo(m.id());
        Raw.Response ls = Raw.admin(server).get("/repositories/" + repo + "/refs/main/objects/ls");
        assertThat(ls.results().stream().map(o -> ((JsonObject) o).getString("path")))
                .containsExactly("base", "main", "side");
    }

    @Test
    void merge_shouldRefuseWithConflict_whenAPathChangedDifferentlyOnBothSides() {
        RepositoryId repo = newRepository(namespace("conflict"));
        sdk.commitFiles(repo, MAIN, Map.of("f", "0"), "base");
        lakeFs.createBranch(repo, BranchId.of("side"), MAIN.asRef(), false);
        sdk.commitFiles(repo, BranchId.of("side"), Map.of("f", "side"), "side");
        sdk.commitFiles(repo, MAIN, Map.of("f", "main"), "main");

        Raw.Response r = Raw.admin(server).post("/repositories/" + repo + "/refs/side/merge/main",
                new JsonObject());

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.message()).isEqualTo("conflict found");
    }

    @Test
    void createCommitRecord_shouldRebuildTheSameHistoryInABareReadOnlyMirror_servingObjectsOnceFilesArrive() {
        StorageNamespace sourceNs = namespace("source");
        RepositoryId source = newRepository(sourceNs);
        sdk.commitFiles(source, MAIN, Map.of("data/a.csv", "a,b\n1,2\n"), "add a");
        lakeFs.createBranch(source, BranchId.of("side"), MAIN.asRef(), false);
        sdk.commitFiles(source, BranchId.of("side"), Map.of("data/b.csv", "c\n3\n"), "add b");
        sdk.commitFiles(source, MAIN, Map.of("data/c.csv", "d\n4\n"), "add c");
        sdk.merge(source, "side", MAIN);
        StorageNamespace mirrorNs = namespace("mirror");
        RepositoryId mirror = RepositoryId.of("mirror-" + REPOS.incrementAndGet());
        lakeFs.createRepository(RepositoryCreation.mirror(mirror, mirrorNs, MAIN));
        List<CommitRecord> log = Page.all(after -> lakeFs.logCommits(source, MAIN.asRef(), after.isEmpty()
                ? LogRequest.first(1000)
                : LogRequest.first(1000).after(CommitId.of(after)))).toList();

        log.stream().sorted(Comparator.comparingLong(CommitRecord::generation))
                .forEach(c -> lakeFs.createCommitRecord(mirror, c, true));
        lakeFs.createBranch(mirror, MAIN, log.get(0).id().asRef(), true);

        assertThat(lakeFs.logCommits(mirror, MAIN.asRef(), LogRequest.first(1000)).results()).isEqualTo(log);
        String stat = "/repositories/" + mirror + "/refs/main/objects/stat?path=data/b.csv";
        assertThat(Raw.admin(server).get(stat).status())
                .as("reading before the metadata files reached the mirror's namespace").isEqualTo(404);
        copyNamespace(sourceNs, mirrorNs);
        Raw.Response after = Raw.admin(server).get("/repositories/" + mirror + "/refs/main/objects?path=data/b.csv");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("c\n3\n");
    }

    /** What bucket replication would do: copy every object of one namespace into the other. */
    private static void copyNamespace(StorageNamespace from, StorageNamespace to) {
        for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(from.bucket()).prefix(from.prefix() + "/"))
                .contents()) {
            String relative = o.key().substring(from.prefix().length() + 1);
            s3.client().copyObject(b -> b.sourceBucket(from.bucket()).sourceKey(o.key())
                    .destinationBucket(to.bucket()).destinationKey(to.key(relative)));
        }
    }
}
