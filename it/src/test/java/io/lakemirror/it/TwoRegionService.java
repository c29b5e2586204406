package io.lakemirror.it;

import static org.awaitility.Awaitility.await;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.it.audit.AuditedMirror;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ProcessHygiene;
import io.lakemirror.testkit.ReplicationApiClient;
import io.lakemirror.testkit.World;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.UnaryOperator;

/**
 * Both regions' whole service running in this JVM on a two-region {@link World} ({@value #A} →
 * {@value #B}), with the clients the end-to-end tests drive and audit it through. {@link #close()}
 * stops everything and checks that no process it started is left.
 */
public final class TwoRegionService implements AutoCloseable {
    public static final String A = "us-east-1";
    public static final String B = "eu-west-1";

    private final ProcessHygiene.Snapshot processes;
    private final World world;
    private RegionProcess regionA;
    private RegionProcess regionB;
    private SdkLakeFs lakeFsA;
    private SdkLakeFs lakeFsB;

    private TwoRegionService(ProcessHygiene.Snapshot processes, World world) {
        this.processes = processes;
        this.world = world;
    }

    /** A source repository in A and its mirror in B, created through A's API. */
    public record CreatedMirror(String id, RepositoryId source, RepositoryId name, StorageNamespace namespace) {
        public AuditedMirror audited(TwoRegionService service) {
            return new AuditedMirror(name.value(), service.lakeFsA(), source, service.lakeFsB(), name, namespace);
        }
    }

    /**
     * Starts the world (bucket replication delayed by {@code delays}, seeded) with a 200 ms sensor,
     * then the services of A and B.
     */
    public static TwoRegionService start(DelayDistribution delays, long seed) {
        return start(delays, seed, false);
    }

    /** As {@link #start(DelayDistribution, long)}, with the mirrors database and refstores on PostgreSQL when {@code postgres}. */
    public static TwoRegionService start(DelayDistribution delays, long seed, boolean postgres) {
        return start(world -> world.replicationDelays(delays).replicationSeed(seed).postgres(postgres));
    }

    /** Starts the world of regions A and B with a 200 ms sensor and {@code customize}'s settings, then the services. */
    public static TwoRegionService start(UnaryOperator<World.Builder> customize) {
        ProcessHygiene.Snapshot processes = ProcessHygiene.snapshot();
        World world = customize.apply(World.builder().regions(A, B)
                .config("commit_sensor.process_branches_duration", "200ms")).start();
        TwoRegionService service = new TwoRegionService(processes, world);
        try {
            service.regionA = startRegion(world, A);
            service.regionB = startRegion(world, B);
            service.lakeFsA = SdkLakeFs.create(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(),
                    new Secret(world.adminSecretAccessKey()));
            service.lakeFsB = SdkLakeFs.create(world.site(B).lakeFsEndpoint(), world.adminAccessKeyId(),
                    new Secret(world.adminSecretAccessKey()));
            return service;
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
        }
    }

    private static RegionProcess startRegion(World world, String region) {
        ReplicationConfig config = world.config(region);
        return RegionProcess.start(config, LocalServices.dynoxideShims(config), LocalServices.seedChangeFeed(world),
                EnumSet.allOf(RegionProcess.Part.class));
    }

    public World world() {
        return world;
    }

    public SdkLakeFs lakeFsA() {
        return lakeFsA;
    }

    public SdkLakeFs lakeFsB() {
        return lakeFsB;
    }

    /** The lakeFS admin on A, for the workload (the service runs as the replication user with the replicator policy). */
    public LakeFsUser user() {
        return new LakeFsUser(world.site(A).lakeFsEndpoint(), world.adminAccessKeyId(),
                world.adminSecretAccessKey());
    }

    /** The replication API of A, where mirrors of A's repositories are created and read. */
    public ReplicationApiClient apiA() {
        return new ReplicationApiClient(URI.create("http://127.0.0.1:" + regionA.apiPort().orElseThrow()),
                world.adminAccessKeyId(), world.adminSecretAccessKey());
    }

    /** Creates repository {@code repo} in A and its mirror {@code <repo>-mirror} in B; waits until it is ACTIVE. */
    public CreatedMirror mirror(String repo) {
        RepositoryId source = RepositoryId.of(repo);
        user().createRepository(source, world.site(A).storageNamespace(repo));
        String name = repo + "-mirror";
        String namespace = world.site(B).storageNamespace(repo);
        ReplicationApiClient api = apiA();
        String id = api.createMirror(repo, name, B, namespace).get("id").asText();
        await("mirror " + name + " ACTIVE").atMost(Duration.ofSeconds(30))
                .until(() -> api.mirror(repo, id).get("status").asText().equals("ACTIVE"));
        return new CreatedMirror(id, source, RepositoryId.of(name), StorageNamespace.of(namespace));
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {lakeFsA, lakeFsB, regionB, regionA, world}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest; the hygiene check below reports leftovers
            }
        }
        processes.assertNoNewProcesses(Duration.ofSeconds(15));
    }
}
