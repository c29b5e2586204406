package io.lakemirror.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.promoter.BranchRepair;
import io.lakemirror.runtime.MutableClock;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.InMemoryRefstore;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.SensorBranchState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code repair}: usage errors before any store is touched, and what it prints and writes, on the fakes. */
class RepairCommandTest {
    private static final Region SOURCE = Region.of("us-east-1");
    private static final Region HERE = Region.of("eu-west-1");
    private static final RepositoryId SOURCE_REPO = RepositoryId.of("sales");
    private static final RepositoryId MIRROR_REPO = RepositoryId.of("sales-mirror");
    private static final MirrorId MIRROR = MirrorId.of("m1");
    private static final BranchId MAIN = BranchId.of("main");
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final FakeLakeFs source = new FakeLakeFs(clock);
    private final FakeLakeFs mirror = new FakeLakeFs(clock);
    private final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    private final InMemoryRefstore refstore = new InMemoryRefstore();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "repair --mirror m1 --branch bad..name  | invalid branch id",
            "repair --mirror m1                     | Missing required option: '--branch=BRANCH'",
            "repair --branch main                   | Missing required option: '--mirror=MIRROR'"})
    void repair_shouldExitWithUsage_whenOptionsAreInvalid(String args, String message) {
        CommandLine cli = Main.commandLine(Map.of());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));

        int status = cli.execute(args.trim().split("\\s+"));

        assertThat(status).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).containsIgnoringCase(message).doesNotContain("Exception");
    }

    private BranchRepair repair() {
        return new BranchRepair(HERE, db, refstore, mirror, region -> source, clock);
    }

    private int run(String mirrorName, boolean dryRun) {
        return RepairCommand.run(repair(), mirrorName, MAIN, dryRun, new PrintWriter(out), new PrintWriter(err));
    }

    /** A mirror whose branch was frozen by a validated sequence the sensor never handed out. */
    private CommitId frozenBranch() {
        source.createRepository(SOURCE_REPO);
        mirror.createRepository(new RepositoryCreation(MIRROR_REPO, StorageNamespace.of("s3://bucket-eu/sales"), MAIN,
                true, true));
        CommitRecord root = source.commitRecord(SOURCE_REPO, source.head(SOURCE_REPO, MAIN));
        mirror.createCommitRecord(MIRROR_REPO, root, true);
        mirror.createBranch(MIRROR_REPO, MAIN, root.id().asRef(), true);
        CommitRecord next = source.commit(SOURCE_REPO, MAIN, "sensed, never admitted");
        db.createMirror(new MirrorSpec(MIRROR, MIRROR_REPO, SOURCE_REPO, SOURCE, HERE,
                StorageNamespace.of("s3://bucket-eu/sales"), MAIN, T0, "admin", Optional.empty()));
        db.putSensorBranchState(new SensorBranchState(MIRROR, MAIN, 1, Optional.of(root.id()), T0, true, 1), 0);
        db.putSensorBranchState(new SensorBranchState(MIRROR, MAIN, 2, Optional.of(next.id()), T0, true, 2), 1);
        db.recordValidated(MIRROR, MAIN, new BranchState.Validated(9_000_000_000L, Optional.of(root.id()), T0, T0, 1));
        db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(9_000_000_000L, "p", T0.plusSeconds(60)), Optional.empty());
        db.recordPromoted(MIRROR, MAIN, new BranchState.Promoted(9_000_000_000L, Optional.of(root.id()), T0, 1), "p");
        return next.id();
    }

    @Test
    void run_shouldPrintThePlanAndWriteNothing_whenDryRun() {
        frozenBranch();
        BranchState before = db.getBranchState(MIRROR, MAIN).orElseThrow();

        assertThat(run("sales-mirror", true)).isZero();

        assertThat(out.toString()).contains("sensor:  sequence 2").contains("validated 9000000000")
                .contains("exceed the sensor's sequence 2").contains("Dry run: nothing was written");
        assertThat(db.getBranchState(MIRROR, MAIN)).contains(before);
    }

    @Test
    void run_shouldLowerTheNeverSensedSequence_andRecordTheSensedHeadAsWaiting() {
        CommitId sensed = frozenBranch();

        assertThat(run("m1", false)).isZero();

        BranchState after = db.getBranchState(MIRROR, MAIN).orElseThrow();
        assertThat(after.validatedSequence()).isEqualTo(1);
        assertThat(after.promotedSequence()).isEqualTo(1);
        assertThat(after.waiting()).map(BranchState.Waiting::sequence).contains(2L);
        assertThat(refstore.getCommits(MIRROR, List.of(sensed))).containsKey(sensed);
        assertThat(out.toString()).contains("Repaired.").contains("re-check pass admits sequence 2");
        assertThat(mirror.head(MIRROR_REPO, MAIN)).as("the mirror branch is not moved by the repair")
                .isEqualTo(source.commitRecord(SOURCE_REPO, sensed).parents().get(0));
    }

    @Test
    void run_shouldRefuseWithStatus1_whileAPromoterHoldsTheBranch() {
        frozenBranch();
        db.recordValidated(MIRROR, MAIN, new BranchState.Validated(9_000_000_001L, Optional.empty(), T0, T0, 1));
        db.claimPromotion(MIRROR, MAIN, new BranchState.PromotionLease(9_000_000_001L, "q", T0.plusSeconds(60)), Optional.empty());

        assertThat(run("sales-mirror", false)).isEqualTo(1);

        assertThat(err.toString()).contains("a promoter holds the branch").contains("run the command again");
        assertThat(out.toString()).contains("promoter q holds the branch until");
    }

    @Test
    void run_shouldExitWithUsage_whenTheMirrorIsUnknown() {
        frozenBranch();

        assertThat(run("no-such-mirror", false)).isEqualTo(Main.EXIT_USAGE);

        assertThat(err.toString()).contains("no mirror with ID or repository name \"no-such-mirror\"");
    }
}
