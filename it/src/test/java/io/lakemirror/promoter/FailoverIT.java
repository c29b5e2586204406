package io.lakemirror.promoter;

import static org.assertj.core.api.Assertions.assertThat;

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
 * same namespace with identical commits, whose files are readable and which takes new commits.
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
        world = World.builder().regions(REGION).start();
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

    /** The mirror as the promoter leaves it: bare, read-only, records parents first, branches forced. */
    private static void mirror(String namespace) {
        lakeFs.createRepository(RepositoryCreation.mirror(MIRROR, StorageNamespace.of(namespace), MAIN));
        Map<CommitId, CommitRecord> all = log(SOURCE, MAIN).stream().collect(Collectors.toMap(CommitRecord::id, c -> c));
        MissingCommits.parentsFirst(all).forEach(c -> lakeFs.createCommitRecord(MIRROR, c, true));
        heads(SOURCE).forEach((branch, head) -> lakeFs.createBranch(MIRROR, branch, head.asRef(), true));
    }

    private static Map<BranchId, CommitId> heads(RepositoryId repository) {
        return lakeFs.listBranches(repository, PageRequest.largest(), true).results().stream()
                .collect(Collectors.toMap(Branch::id, Branch::commitId));
    }

    private static List<CommitRecord> log(RepositoryId repository, BranchId branch) {
        return lakeFs.logCommits(repository, branch.asRef(), LogRequest.first(1000)).results();
    }
}
