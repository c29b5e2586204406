package io.lakemirror.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ReplicatorPolicies;
import io.lakemirror.testkit.World;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replication user's policies of lakeFS's mirroring documentation against every lakeFS call the service makes
 * (docs/operations.md, "The replication user"): the broad ReplicationPolicy allows all of them; the documented
 * narrow policy allows the repository-level calls but not the branch calls, which lakeFS checks on
 * {@code repository/{repo}/branch/{branch}}; the corrected narrow policy allows them all. The user is never admin.
 */
class ReplicatorPoliciesIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final AtomicInteger REPOSITORIES = new AtomicInteger();
    private static World world;

    @BeforeAll
    static void start() {
        world = World.builder().regions(A, B).start();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    private record Setup(RepositoryId source, RepositoryId mirror, String mirrorNamespace, CommitRecord head) {
    }

    /** A source repository with a commit on main in A (written by the admin); the names of its mirror in B. */
    private static Setup setup() {
        int n = REPOSITORIES.incrementAndGet();
        RepositoryId source = RepositoryId.of("policy-src-" + n);
        LakeFsUser admin = new LakeFsUser(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(), world.adminSecretAccessKey());
        admin.createRepository(source, world.site(A).storageNamespace("repos/" + source));
        admin.upload(source, BranchId.of("main"), "a.txt", "data".getBytes());
        admin.commit(source, BranchId.of("main"), "one");
        try (SdkLakeFs lakeFs = SdkLakeFs.create(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(),
                new Secret(world.adminSecretAccessKey()))) {
            return new Setup(source, RepositoryId.of(source + "-mirror"), world.site(B).storageNamespace("repos/" + source),
                    lakeFs.getCommit(source, Ref.of("main")));
        }
    }

    /** A replication user of its own (same keys on both installations), holding {@code policies} only. */
    private record ReplicationUser(String id, String key, String secret) {
    }

    private static ReplicationUser user(Policy... policies) {
        int n = REPOSITORIES.incrementAndGet();
        ReplicationUser u = new ReplicationUser("replication-" + n, String.format("AKIAREPLICATION%05d", n), "secret-" + n);
        for (String region : new String[] {A, B}) {
            world.site(region).lakeFs().addUser(u.id(), u.key(), u.secret());
            for (Policy p : policies) {
                world.site(region).lakeFs().attachPolicy(u.id(), p);
            }
        }
        return u;
    }

    private static SdkLakeFs client(ReplicationUser u, String region) {
        return SdkLakeFs.create(world.site(region).lakeFsEndpoint(), u.key(), new Secret(u.secret()),
                SdkLakeFs.Settings.DEFAULTS.withMaxAttempts(1));
    }

    /** The sensor's reads of the source, then the mirrors manager's and promoter's writes of the mirror. */
    private static void replicate(Setup s, ReplicationUser u) {
        try (SdkLakeFs a = client(u, A); SdkLakeFs b = client(u, B)) {
            a.getRepository(s.source());
            a.listBranches(s.source(), PageRequest.largest(), false);
            a.getBranch(s.source(), BranchId.of("main"));
            a.logCommits(s.source(), Ref.of("main"), LogRequest.first(100));
            a.getCommit(s.source(), Ref.of(s.head().id().value()));
            b.createRepository(RepositoryCreation.mirror(s.mirror(), StorageNamespace.of(s.mirrorNamespace()), BranchId.of("main")));
            java.util.List<CommitRecord> log = new java.util.ArrayList<>(a.logCommits(s.source(), Ref.of("main"),
                    LogRequest.first(100)).results());
            java.util.Collections.reverse(log);
            for (CommitRecord c : log) {
                b.createCommitRecord(s.mirror(), c, true);
            }
            b.createBranch(s.mirror(), BranchId.of("main"), Ref.of(s.head().id().value()), true);
            b.hardResetBranch(s.mirror(), BranchId.of("main"), Ref.of(s.head().id().value()), true);
            b.getBranch(s.mirror(), BranchId.of("main"));
            b.deleteRepository(s.mirror(), true);
        }
    }

    @Test
    void broadPolicy_shouldAllowEveryCallOfTheService() {
        Setup s = setup();
        ReplicationUser u = user(ReplicatorPolicies.broad());

        assertThatCode(() -> replicate(s, u)).doesNotThrowAnyException();
    }

    @Test
    void documentedNarrowPolicy_shouldRefuseTheBranchCalls_andTheCorrectedOneAllowThem() {
        Setup s = setup();
        ReplicationUser narrow = user(ReplicatorPolicies.narrow(s.source().value(), s.mirror().value(), s.mirrorNamespace()));
        try (SdkLakeFs a = client(narrow, A)) {
            assertThatCode(() -> a.getRepository(s.source())).doesNotThrowAnyException();
            assertThatThrownBy(() -> a.getBranch(s.source(), BranchId.of("main")))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining("fs:ReadBranch");
        }
        assertThatThrownBy(() -> replicate(s, narrow)).isInstanceOfAny(AuthenticationException.class, ReplicationException.class);

        ReplicationUser corrected = user(ReplicatorPolicies.narrowCorrected(s.source().value(), s.mirror().value(),
                s.mirrorNamespace()));
        assertThatCode(() -> replicate(s, corrected)).doesNotThrowAnyException();
    }
}
