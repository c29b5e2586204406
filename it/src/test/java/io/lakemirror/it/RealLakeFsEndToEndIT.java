package io.lakemirror.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ReplicationApiClient;
import io.lakemirror.testkit.World;
import io.lakemirror.testserver.RealBehaviours;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both regions' service against lakeFS test servers that play every behaviour of real lakeFS the test server
 * knows ({@link RealBehaviours#ALL}: repository and commit caches, nanosecond commit times, lakeFS's
 * branch-deletion order, hooks on writable repositories; and two blockstores with a backward-compatible one):
 * a mirror converges, is deleted, and is created again under the same name at once, while lakeFS's repository cache
 * still answers for the deleted repository: the API takes the name (lakeFS's metadata read, which the cache does not
 * serve, finds no repository), the mirrors manager retries the creation that the cache refuses, and the new mirror
 * converges too.
 */
class RealLakeFsEndToEndIT {
    private static final String A = TwoRegionService.A;
    private static final String B = TwoRegionService.B;
    private static TwoRegionService service;
    private static World world;
    private static SdkLakeFs lakeFsA;
    private static SdkLakeFs lakeFsB;
    private static LakeFsUser user;
    private static ReplicationApiClient api;

    @BeforeAll
    static void start() {
        service = TwoRegionService.start(w -> w.lakeFsBehaviours(
                RealBehaviours.ALL.withStorageIds(List.of("s3-main", "s3-archive"), Optional.of("s3-main"))));
        world = service.world();
        lakeFsA = service.lakeFsA();
        lakeFsB = service.lakeFsB();
        user = service.user();
        api = service.apiA();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void mirror_shouldConverge_andConvergeAgain_whenDeletedAndCreatedUnderTheSameName_withLakeFsCaches() {
        RepositoryId source = RepositoryId.of("realistic");
        RepositoryId mirror = RepositoryId.of("realistic-mirror");
        String namespace = world.site(B).storageNamespace(source.value());
        user.createRepository(source, world.site(A).storageNamespace(source.value()));
        work(source, "one");

        String first = createMirror(source, mirror, namespace);
        awaitConverged(source, mirror, "first incarnation");

        api.deleteMirror(source.value(), first);
        await("mirror " + first + " deleted").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> !api.mirrors(source.value()).toString().contains(first));
        boolean ghost = answersFromCache(mirror);
        String second = createMirror(source, mirror, namespace);
        work(source, "two");
        awaitConverged(source, mirror, "second incarnation");

        assertThat(second).isNotEqualTo(first);
        assertThat(ghost).as("lakeFS's repository cache still answered for the deleted mirror when it was created again")
                .isTrue();
        assertThat(lakeFsB.getRepository(mirror).readOnly()).isTrue();
    }

    /** Commits on two branches within one second (ordered by nanoseconds on the source), and a deleted branch. */
    private static void work(RepositoryId source, String round) {
        BranchId main = BranchId.of("main");
        BranchId side = BranchId.of("side-" + round);
        BranchId gone = BranchId.of("gone-" + round);
        user.createBranch(source, side, main.value());
        user.createBranch(source, gone, main.value());
        user.upload(source, main, round + "/a.csv", ("a," + round).getBytes(StandardCharsets.UTF_8));
        user.upload(source, side, round + "/b.csv", ("b," + round).getBytes(StandardCharsets.UTF_8));
        user.commit(source, main, "main " + round);
        user.commit(source, side, "side " + round);
        user.merge(source, side, main, "merge " + round);
        lakeFsA.deleteBranch(source, gone, false);
    }

    private static String createMirror(RepositoryId source, RepositoryId mirror, String namespace) {
        String id = api.createMirror(source.value(), mirror.value(), B, namespace).get("id").asText();
        await("mirror " + mirror + " ACTIVE").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.mirror(source.value(), id).get("status").asText().equals("ACTIVE"));
        return id;
    }

    /** Whether lakeFS of B still finds the repository by name though its list no longer has it (the cache). */
    private static boolean answersFromCache(RepositoryId mirror) {
        try {
            lakeFsB.getRepository(mirror);
        } catch (NotFoundException e) {
            return false;
        }
        return lakeFsB.listRepositories(PageRequest.largest()).results().stream().noneMatch(r -> r.id().equals(mirror));
    }

    private static void awaitConverged(RepositoryId source, RepositoryId mirror, String what) {
        await(mirror + " equal to " + source + " (" + what + ")").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> converged(source, mirror));
        // The log order of commits made within one second differs (the mirror has only whole seconds, the source
        // kept nanoseconds), so histories compare as sets; every commit must be stored in the mirror itself, not
        // only answered from lakeFS's commit cache, which is keyed by the repository's name.
        for (Map.Entry<BranchId, CommitId> head : heads(lakeFsB, mirror).entrySet()) {
            for (CommitId c : history(lakeFsB, mirror, head.getValue())) {
                assertThat(world.site(B).lakeFs().storesCommitForTest(mirror, c))
                        .as("commit " + c + " of " + mirror + "/" + head.getKey() + " is stored in the mirror (" + what + ")")
                        .isTrue();
            }
        }
    }

    private static boolean converged(RepositoryId source, RepositoryId mirror) {
        Map<BranchId, CommitId> sourceHeads = heads(lakeFsA, source);
        if (!sourceHeads.equals(heads(lakeFsB, mirror))) {
            return false;
        }
        for (CommitId head : sourceHeads.values()) {
            if (!history(lakeFsA, source, head).equals(history(lakeFsB, mirror, head))) {
                return false;
            }
        }
        return true;
    }

    private static Map<BranchId, CommitId> heads(SdkLakeFs lakeFs, RepositoryId repository) {
        return lakeFs.listBranches(repository, PageRequest.largest(), true).results().stream()
                .collect(Collectors.toMap(Branch::id, Branch::commitId, (x, y) -> x, TreeMap::new));
    }

    private static Set<CommitId> history(SdkLakeFs lakeFs, RepositoryId repository, CommitId head) {
        return lakeFs.logCommits(repository, head.asRef(), LogRequest.first(1000)).results().stream()
                .map(CommitRecord::id).collect(Collectors.toSet());
    }
}
