package io.lakemirror.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** A seed must replay the same schedule: that is what makes a failed fault run reproducible. */
class FaultScheduleTest {
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-2");
    private static final Map<String, Integer> PROMOTERS = Map.of("eu-west-1", 2);
    private static final Map<String, Integer> VALIDATORS = Map.of("us-east-1", 2);

    /** The CI-sized run's mean interval between two faults (FaultRunSettings' default). */
    private static final Duration CI_INTERVAL = Duration.ofMillis(850);

    /** As the CI-sized run plans it: over its longest fault phase (5 minutes plus a fifth). */
    private static FaultSchedule plan(long seed) {
        return FaultSchedule.plan(seed, REGIONS, PROMOTERS, VALIDATORS, 4, Duration.ofSeconds(2), Duration.ofMinutes(6),
                CI_INTERVAL);
    }

    @Property(tries = 50)
    void plan_shouldBeIdentical_whenPlannedTwiceWithTheSameSeed(@ForAll long seed) {
        assertThat(plan(seed).faults()).isEqualTo(plan(seed).faults());
    }

    @Test
    void plan_shouldDiffer_whenTheSeedDiffers() {
        assertThat(plan(1).faults()).isNotEqualTo(plan(2).faults());
    }

    @Test
    void plan_shouldPlanEveryKindAndEnoughFaults_whenTheRunHasTheCiLength() {
        for (long seed = 0; seed < 20; seed++) {
            FaultSchedule schedule = plan(seed);
            assertThat(schedule.countByKind().keySet()).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(
                    java.util.EnumSet.complementOf(java.util.EnumSet.of(FaultSchedule.Kind.POSTGRES_RESTART)));
            assertThat(schedule.faults()).as("seed %d", seed).hasSizeGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void plan_shouldRestartPostgresInsteadOfReplayingTheStream_andChangeNothingElse_onAPostgresRun() {
        for (long seed = 0; seed < 20; seed++) {
            List<FaultSchedule.Planned> dynamo = plan(seed).faults();
            List<FaultSchedule.Planned> postgres = FaultSchedule.plan(seed, REGIONS, PROMOTERS, VALIDATORS, 4,
                    Duration.ofSeconds(2), Duration.ofMinutes(6), CI_INTERVAL, true).faults();
            assertThat(postgres).as("seed %d", seed).hasSameSizeAs(dynamo);
            for (int i = 0; i < dynamo.size(); i++) {
                FaultSchedule.Planned d = dynamo.get(i);
                FaultSchedule.Planned p = postgres.get(i);
                assertThat(p.kind()).isEqualTo(d.kind() == FaultSchedule.Kind.STREAM_REPLAY
                        ? FaultSchedule.Kind.POSTGRES_RESTART : d.kind());
                assertThat(p.at()).isEqualTo(d.at());
                assertThat(p.magnitude()).isEqualTo(d.magnitude());
            }
            assertThat(FaultSchedule.plan(seed, REGIONS, PROMOTERS, VALIDATORS, 4, Duration.ofSeconds(2),
                    Duration.ofMinutes(6), CI_INTERVAL, true).countByKind())
                    .as("seed %d", seed).containsKey(FaultSchedule.Kind.POSTGRES_RESTART)
                    .doesNotContainKey(FaultSchedule.Kind.STREAM_REPLAY);
        }
    }

    @Test
    void plan_shouldKeepFaultsInsideTheRunAndInOrder_whenPlanned() {
        FaultSchedule schedule = plan(7);
        assertThat(schedule.faults()).allSatisfy(f -> assertThat(f.at()).isBetween(Duration.ofSeconds(2), Duration.ofMinutes(6)));
        assertThat(schedule.faults()).extracting(FaultSchedule.Planned::at).isSorted();
    }
}
