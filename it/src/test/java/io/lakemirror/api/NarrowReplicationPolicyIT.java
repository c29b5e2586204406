package io.lakemirror.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ProcessHygiene;
import io.lakemirror.testkit.ReplicationApiClient;
import io.lakemirror.testkit.ReplicatorPolicies;
import io.lakemirror.testkit.World;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Both regions' whole service (sensor, validator, promoter, mirrors manager, API) as a replication user holding
 * exactly the corrected narrow policy of docs/operations.md on both installations (lakeFS's documented narrow
 * ReplicationPolicy with the branch ARNs lakeFS checks added), never the broad policy and never admin: no call the
 * service makes is refused, so the mirror is created and follows its source's branches. {@link ReplicatorPoliciesIT}
 * shows the documented narrow policy refusing the branch calls.
 */
class NarrowReplicationPolicyIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static final RepositoryId SOURCE = RepositoryId.of("sales");
    private static final RepositoryId MIRROR = RepositoryId.of("sales-mirror");
    private static final BranchId MAIN = BranchId.of("main");
    private static final BranchId FEATURE = BranchId.of("feature");
    // Generous: on a busy 2-core machine creating a mirror and a first promotion can take a minute.
    private static final Duration WITHIN = Duration.ofMinutes(3);

    @Test
    void mirror_shouldFollowItsSource_whenTheReplicationUserHoldsOnlyTheCorrectedNarrowPolicy() {
        ProcessHygiene.Snapshot processes = ProcessHygiene.snapshot();
        try (World world = World.builder().regions(A, B).replicationPolicies()
                .replicationDelays(DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(50)))
                .config("commit_sensor.process_branches_duration", "200ms").start()) {
            String namespace = world.site(B).storageNamespace(SOURCE.value());
            Policy narrow = ReplicatorPolicies.narrowCorrected(SOURCE.value(), MIRROR.value(), namespace);
            Policy tags = ReplicatorPolicies.tagsNarrow(SOURCE.value(), MIRROR.value());
            world.sites().forEach(site -> {
                site.lakeFs().attachPolicy(world.replicationUser(), narrow);
                site.lakeFs().attachPolicy(world.replicationUser(), tags);
            });
            try (RegionProcess a = start(world, A); RegionProcess b = start(world, B);
                 SdkLakeFs lakeFsB = SdkLakeFs.create(world.site(B).lakeFsEndpoint(), world.adminAccessKeyId(),
                         new Secret(world.adminSecretAccessKey()))) {
                LakeFsUser admin = new LakeFsUser(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(),
                        world.adminSecretAccessKey());
                admin.createRepository(SOURCE, world.site(A).storageNamespace(SOURCE.value()));
                ReplicationApiClient api = new ReplicationApiClient(URI.create("http://127.0.0.1:" + a.apiPort().orElseThrow()),
                        world.adminAccessKeyId(), world.adminSecretAccessKey());
                String id = api.createMirror(SOURCE.value(), MIRROR.value(), B, namespace).get("id").asText();
                await().alias("mirror ACTIVE").atMost(WITHIN)
                        .until(() -> api.mirror(SOURCE.value(), id).get("status").asText().equals("ACTIVE"));

                admin.upload(SOURCE, MAIN, "data/first.csv", "1".getBytes(StandardCharsets.UTF_8));
                CommitId first = admin.commit(SOURCE, MAIN, "first").id();
                admin.createBranch(SOURCE, FEATURE, first.value());
                admin.upload(SOURCE, FEATURE, "data/second.csv", "2".getBytes(StandardCharsets.UTF_8));
                CommitId second = admin.commit(SOURCE, FEATURE, "second").id();

                await().alias("mirror's main at the source's").atMost(WITHIN).ignoreExceptions()
                        .until(() -> lakeFsB.getBranch(MIRROR, MAIN).commitId().equals(first));
                await().alias("mirror's feature at the source's").atMost(WITHIN).ignoreExceptions()
                        .until(() -> lakeFsB.getBranch(MIRROR, FEATURE).commitId().equals(second));
                JsonNode status = api.mirror(SOURCE.value(), id);
                assertThat(status.get("status").asText()).isEqualTo("ACTIVE");
                assertThat(status.toString()).doesNotContain("not allowed");
            }
        }
        processes.assertNoNewProcesses(Duration.ofSeconds(15));
    }

    private static RegionProcess start(World world, String region) {
        ReplicationConfig config = world.config(region);
        return RegionProcess.start(config, LocalServices.dynoxideShims(config), LocalServices.seedChangeFeed(world),
                EnumSet.allOf(RegionProcess.Part.class));
    }
}
