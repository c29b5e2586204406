package io.lakemirror.promoter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.testserver.RealBehaviours;
import java.io.IOException;
import java.net.InetSocketAddress;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.World;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover through the lakeFS SDK adapter on the lakeFS test server: a read-only mirror (bare,
 * records written with force, as the promoter writes them) becomes a writable repository on the
 * same namespace with identical commits, whose files are readable and which takes new commits; and
 * a source whose pre-create-branch webhook points at the lost region cannot block it (the lakeFS test
 * server runs hooks on writable repositories here, as lakeFS does).
 */
class FailoverIT {
    private static final String REGION = "eu-west-1";
    private static final RepositoryId SOURCE = RepositoryId.of("sales");
    private static final RepositoryId MIRROR = RepositoryId.of("sales-mirror");
    private static final RepositoryId COPY = RepositoryId.of("sales-eu");
    private static final BranchId MAIN = BranchId.of("main");
    private static final BranchId DEV = BranchId.of("dev");

    private static World world;
    private static SdkLakeFs lakeFs;
    private static LakeFsUser user;

    @BeforeAll
    static void start() {
        // lakeFS's hooks on writable repositories, its caches and its branch-deletion order, as real lakeFS has them.
        world = World.builder().regions(REGION).lakeFsBehaviours(RealBehaviours.NONE.withHooks(true)
                .withRepositoryCache(true).withCommitCache(true).withLakeFsDeletionOrder(true)).start();
        World.Site site = world.site(REGION);
        lakeFs = SdkLakeFs.create(site.lakeFsEndpoint(), world.replicationAccessKeyId(),
                new Secret(world.replicationSecretAccessKey()));
        user = new LakeFsUser(site.lakeFsEndpoint(), world.replicationAccessKeyId(), world.replicationSecretAccessKey());
    }

    @AfterAll
    static void stop() {
        if (lakeFs != null) {
            lakeFs.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void copy_shouldMakeAWritableRepositoryWithTheMirrorsCommits_onTheLakeFsTestServer() {
        String namespace = world.site(REGION).storageNamespace(SOURCE.value());
        user.createRepository(SOURCE, namespace);
        user.upload(SOURCE, MAIN, "orders/day1.csv", "id,total\n1,10\n".getBytes(StandardCharsets.UTF_8));
        user.commit(SOURCE, MAIN, "load day 1");
        user.createBranch(SOURCE, DEV, MAIN.value());
        user.upload(SOURCE, DEV, "models/clean.py", "print('clean')\n".getBytes(StandardCharsets.UTF_8));
        user.commit(SOURCE, DEV, "clean");
        user.upload(SOURCE, MAIN, "orders/day2.csv", "id,total\n2,20\n".getBytes(StandardCharsets.UTF_8));
        user.commit(SOURCE, MAIN, "load day 2");
        user.merge(SOURCE, DEV, MAIN, "merge dev");
        mirror(namespace);

        Failover.Result result = new Failover(lakeFs).copy(MIRROR, COPY);

        assertThat(lakeFs.getRepository(COPY).readOnly()).isFalse();
        assertThat(heads(COPY)).isEqualTo(heads(SOURCE)).isEqualTo(result.branches());
        assertThat(log(COPY, MAIN)).isEqualTo(log(SOURCE, MAIN));
        assertThat(result.commits()).isEqualTo(log(SOURCE, MAIN).size());
        user.upload(COPY, MAIN, "orders/day3.csv", "id,total\n3,30\n".getBytes(StandardCharsets.UTF_8));
        CommitId written = user.commit(COPY, MAIN, "first write after failover").id();
        assertThat(lakeFs.getCommit(COPY, written.asRef()).parents()).containsExactly(heads(SOURCE).get(MAIN));
    }

    @Test
    void copy_shouldComplete_whenTheSourcesPreCreateBranchWebhookFails() throws IOException {
        RepositoryId source = RepositoryId.of("hooked");
        RepositoryId mirror = RepositoryId.of("hooked-mirror");
        RepositoryId copy = RepositoryId.of("hooked-eu");
        HttpServer lostRegion = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lostRegion.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        lostRegion.start();
        try {
            String namespace = world.site(REGION).storageNamespace(source.value());
            user.createRepository(source, namespace);
            user.upload(source, MAIN, "orders/day1.csv", "id,total\n1,10\n".getBytes(StandardCharsets.UTF_8));
            user.commit(source, MAIN, "load day 1");
            user.createBranch(source, DEV, MAIN.value());
            // The source's action: every new branch must be approved by a service of the region now lost.
            user.upload(source, MAIN, "_lakefs_actions/approve.yaml", ("name: approve branches\non:\n"
                    + "  pre-create-branch:\nhooks:\n  - id: approval\n    type: webhook\n    properties:\n"
                    + "      url: http://127.0.0.1:" + lostRegion.getAddress().getPort() + "/approve\n")
                    .getBytes(StandardCharsets.UTF_8));
            user.commit(source, MAIN, "require approval for new branches");
            assertThatThrownBy(() -> lakeFs.createBranch(source, BranchId.of("probe"), MAIN.asRef(), true))
                    .as("the hook is live on the writable source, force or not")
                    .isInstanceOf(StaleWriteException.class).hasMessageContaining("pre-create-branch hook aborted");
            mirror(source, mirror, namespace);

            Failover.Result result = new Failover(lakeFs).copy(mirror, copy);

            assertThat(lakeFs.getRepository(copy).readOnly()).isFalse();
            assertThat(heads(copy)).isEqualTo(heads(source)).isEqualTo(result.branches());
            assertThat(log(copy, MAIN)).isEqualTo(log(source, MAIN));
            assertThat(new Failover(lakeFs).copy(mirror, copy).branches()).as("a second run completes, changing nothing")
                    .isEqualTo(result.branches());
        } finally {
            lostRegion.stop(0);
        }
    }

    /** The mirror as the promoter leaves it: bare, read-only, records parents first, branches forced. */
    private static void mirror(String namespace) {
        mirror(SOURCE, MIRROR, namespace);
    }

    private static void mirror(RepositoryId source, RepositoryId mirror, String namespace) {
        lakeFs.createRepository(RepositoryCreation.mirror(mirror, StorageNamespace.of(namespace), MAIN));
        Map<CommitId, CommitRecord> all = heads(source).values().stream()
                .flatMap(head -> lakeFs.logCommits(source, head.asRef(), LogRequest.first(1000)).results().stream())
                .collect(Collectors.toMap(CommitRecord::id, c -> c, (a, b) -> a));
        MissingCommits.parentsFirst(all).forEach(c -> lakeFs.createCommitRecord(mirror, c, true));
        heads(source).forEach((branch, head) -> lakeFs.createBranch(mirror, branch, head.asRef(), true));
    }

    private static Map<BranchId, CommitId> heads(RepositoryId repository) {
        return lakeFs.listBranches(repository, PageRequest.largest(), true).results().stream()
                .collect(Collectors.toMap(Branch::id, Branch::commitId));
    }

    private static List<CommitRecord> log(RepositoryId repository, BranchId branch) {
        return lakeFs.logCommits(repository, branch.asRef(), LogRequest.first(1000)).results();
    }
}
