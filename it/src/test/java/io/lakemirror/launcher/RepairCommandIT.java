package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.it.TwoRegionService;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.LakeFsUser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/replication repair} on the two-region world: a mirror branch frozen by a validated
 * sequence the source sensor never handed out (every newer sequence is refused as stale) is
 * repaired, and the running pipeline then validates and promotes the source's head.
 */
class RepairCommandIT {
    private static final BranchId MAIN = BranchId.of("main");
    private static final long NEVER_SENSED = 9_000_000_000L;
    private static TwoRegionService service;

    @BeforeAll
    static void start() {
        service = TwoRegionService.start(DelayDistribution.none(), 19);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    private static CommitId commit(LakeFsUser user, TwoRegionService.CreatedMirror m, String name) {
        user.upload(m.source(), MAIN, "data/" + name, name.getBytes(StandardCharsets.UTF_8));
        return user.commit(m.source(), MAIN, name).id();
    }

    private static Optional<CommitId> mirrorHead(TwoRegionService.CreatedMirror m) {
        try {
            return Optional.of(service.lakeFsB().getBranch(m.name(), MAIN).commitId());
        } catch (io.lakemirror.domain.NotFoundException e) {
            return Optional.empty();
        }
    }

    @Test
    void repair_shouldUnfreezeABranchBlockedByANeverSensedSequence_andLetThePipelinePromoteTheSourceHead() {
        TwoRegionService.CreatedMirror m = service.mirror("repair-it");
        LakeFsUser user = service.user();
        MirrorId id = MirrorId.of(m.id());
        CommitId first = commit(user, m, "first");
        await("first commit mirrored").atMost(Duration.ofSeconds(30)).until(() -> mirrorHead(m).equals(Optional.of(first)));
        String b = TwoRegionService.B;
        try (Backends backends = Backends.of(service.world().config(b), LocalServices.dynoxideShims(service.world().config(b)))) {
            MirrorsDatabase db = backends.mirrorsDatabase();
            // A message with a huge sequence for the current head was admitted (and gets promoted).
            db.recordValidated(id, MAIN, new BranchState.Validated(NEVER_SENSED, Optional.of(first), Instant.now(),
                    Instant.now(), 1));
            await("never-sensed sequence promoted").atMost(Duration.ofSeconds(30))
                    .until(() -> db.getBranchState(id, MAIN).orElseThrow().promotedSequence() == NEVER_SENSED);
            CommitId second = commit(user, m, "second");
            await("second head sensed").atMost(Duration.ofSeconds(30)).until(() -> db.getSensorBranchState(id, MAIN)
                    .filter(s -> s.head().equals(Optional.of(second)) && s.sent()).isPresent());
            await("branch frozen").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(60))
                    .until(() -> mirrorHead(m).equals(Optional.of(first)));
            long sensed = db.getSensorBranchState(id, MAIN).map(SensorBranchState::sequence).orElseThrow();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            int dryRun = RepairCommand.run(RepairCommand.repair(backends), m.name().value(), MAIN, true,
                    new PrintWriter(out), new PrintWriter(err));
            assertThat(dryRun).as(err.toString()).isZero();
            assertThat(db.getBranchState(id, MAIN).orElseThrow().validatedSequence()).isEqualTo(NEVER_SENSED);
            int status = RepairCommand.run(RepairCommand.repair(backends), m.name().value(), MAIN, false,
                    new PrintWriter(out), new PrintWriter(err));

            assertThat(status).as(out + "\n" + err).isZero();
            assertThat(out.toString()).contains("exceed the sensor's sequence " + sensed).contains("Repaired.");
            await("source head promoted after the repair").atMost(Duration.ofSeconds(30))
                    .until(() -> mirrorHead(m).equals(Optional.of(second)));
            await("state follows the sensor").atMost(Duration.ofSeconds(60))
                    .until(() -> db.getBranchState(id, MAIN).orElseThrow().promotedSequence() == sensed);
            CommitId third = commit(user, m, "third");
            await("the next commit travels as usual").atMost(Duration.ofSeconds(30))
                    .until(() -> mirrorHead(m).equals(Optional.of(third)));
        }
    }
}
