package io.lakemirror.promoter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.launcher.Backends;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.store.ChangeFeed;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.testkit.World;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mirrors manager of region B on the real backends: a mirror spec written in region A yields a
 * bare, read-only repository in lakeFS B through the change stream, and through the reconcile pass
 * alone when no stream event arrives; deleting the spec removes the repository.
 */
class MirrorsManagerIT {
    private static final String A = "us-east-1";
    private static final String B = "eu-west-1";
    private static World world;
    private static Backends regionA;

    @BeforeAll
    static void start() {
        world = World.builder().regions(A, B).start();
        regionA = Backends.of(world.config(A), LocalServices.dynoxideShims(world.config(A)));
    }

    @AfterAll
    static void stop() {
        if (regionA != null) {
            regionA.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private static MirrorSpec spec(String name) {
        return new MirrorSpec(MirrorId.generate(Instant.now()), RepositoryId.of(name), RepositoryId.of("source-" + name),
                Region.of(A), Region.of(B), StorageNamespace.of(world.site(B).storageNamespace(name)), BranchId.of("main"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), "admin", Optional.empty());
    }

    private static Optional<Repository> repository(LakeFs lakeFs, RepositoryId name) {
        try {
            return Optional.of(lakeFs.getRepository(name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Test
    void specWrittenInA_shouldYieldABareReadOnlyRepositoryInB_throughTheStream() {
        try (RegionProcess b = RegionProcess.start(world.config(B), LocalServices.dynoxideShims(world.config(B)),
                LocalServices.seedChangeFeed(world), EnumSet.of(RegionProcess.Part.PROMOTER))) {
            LakeFs lakeFsB = b.backends().localLakeFs();
            MirrorSpec spec = spec("streamed");
            MirrorsDatabase db = regionA.mirrorsDatabase();
            awaitFeedRunning(db, lakeFsB);

            db.createMirror(spec);
            await("mirror repository in lakeFS B").atMost(Duration.ofSeconds(60)).until(() -> repository(lakeFsB, spec.name()).isPresent());
            Repository repo = lakeFsB.getRepository(spec.name());
            assertThat(repo.readOnly()).isTrue();
            assertThat(repo.storageNamespace()).isEqualTo(spec.storageNamespace().value());
            assertThat(lakeFsB.listBranches(spec.name(), io.lakemirror.lakefs.PageRequest.largest(), true).results()).isEmpty();
            await("status ACTIVE").atMost(Duration.ofSeconds(60))
                    .until(() -> db.getMirror(spec.id()).map(m -> m.state() == MirrorState.ACTIVE).orElse(false));

            db.requestDeletion(spec.id(), Instant.now());

            await("mirror repository removed").atMost(Duration.ofSeconds(60)).until(() -> repository(lakeFsB, spec.name()).isEmpty());
            await("mirror items removed").atMost(Duration.ofSeconds(60)).until(() -> db.getMirror(spec.id()).isEmpty());
        }
    }

    @Test
    void specWrittenInA_shouldFailTheMirrorWithTheReason_whenLakeFsBCreatesTheRepositoryWritable() {
        try (RegionProcess b = RegionProcess.start(world.config(B), LocalServices.dynoxideShims(world.config(B)),
                LocalServices.seedChangeFeed(world), EnumSet.of(RegionProcess.Part.PROMOTER))) {
            // lakeFS B passed the startup check, then behaves as lakeFS 1.10.0 (downgraded, or unreachable at startup).
            world.site(B).lakeFs().setVersion("1.10.0");
            LakeFs lakeFsB = b.backends().localLakeFs();
            MirrorsDatabase db = regionA.mirrorsDatabase();
            MirrorSpec spec = spec("writable");

            db.createMirror(spec);

            await("mirror FAILED").atMost(Duration.ofSeconds(60))
                    .until(() -> db.getMirror(spec.id()).map(m -> m.state() == MirrorState.FAILED).orElse(false));
            assertThat(db.getMirror(spec.id()).orElseThrow().status().orElseThrow().message())
                    .contains("mirror repository writable in region " + B + " is writable").contains("1.11.0");
            assertThat(lakeFsB.getRepository(spec.name()).readOnly()).isFalse();

            db.requestDeletion(spec.id(), Instant.now());
            await("the writable repository removed with its mirror").atMost(Duration.ofSeconds(60))
                    .until(() -> repository(lakeFsB, spec.name()).isEmpty());
        } finally {
            world.site(B).lakeFs().setVersion(io.lakemirror.testserver.http.ReportedVersion.CURRENT);
        }
    }

    /** Waits until a first mirror makes it through the stream, so the timed one measures delivery, not KCL's start. */
    private static void awaitFeedRunning(MirrorsDatabase db, LakeFs lakeFsB) {
        MirrorSpec warmUp = spec("warm-up");
        db.createMirror(warmUp);
        await("change feed delivering").atMost(Duration.ofSeconds(60)).until(() -> repository(lakeFsB, warmUp.name()).isPresent());
    }

    @Test
    void specWrittenInA_shouldYieldTheRepositoryThroughTheReconcilePass_whenTheStreamConsumerIsStopped() {
        Backends b = Backends.of(world.config(B), LocalServices.dynoxideShims(world.config(B)));
        Duration interval = world.config(B).mirrorsManager().processMirrorsInterval();
        Clock clock = Clock.systemUTC();
        PromoterService service = new PromoterService(Region.of(B), b.mirrorsDatabase(), new StoppedFeed(),
                new MirrorsManager(Region.of(B), b.mirrorsDatabase(), b.refstore(), b.localLakeFs(), clock),
                new BranchPromoter(Region.of(B), "it", b.mirrorsDatabase(), b.refstore(), b.localLakeFs(), b::lakeFs, clock,
                        Duration.ofSeconds(30)),
                new HeadAntiEntropy("it-anti-entropy", b.mirrorsDatabase(), b.refstore(), b.localLakeFs(), clock,
                        Duration.ofSeconds(30), new SimpleMeterRegistry()),
                new PromoterService.Settings(interval, Duration.ofSeconds(30), 2, Duration.ofSeconds(1), 1000), clock,
                new SimpleMeterRegistry());
        try (b; service) {
            service.start();
            MirrorSpec spec = spec("reconciled");
            regionA.mirrorsDatabase().createMirror(spec);

            BooleanSupplier created = () -> repository(b.localLakeFs(), spec.name()).isPresent();
            await("mirror repository by the reconcile pass").atMost(Duration.ofSeconds(60)).until(created::getAsBoolean);

            regionA.mirrorsDatabase().requestDeletion(spec.id(), Instant.now());
            await("mirror repository removed by the reconcile pass").atMost(Duration.ofSeconds(60))
                    .until(() -> !created.getAsBoolean());
        }
    }

    /** A change feed whose consumer is stopped: nothing is ever delivered. */
    private static final class StoppedFeed implements ChangeFeed {
        @Override
        public void start(Listener listener) {
        }

        @Override
        public void close() {
        }
    }
}
