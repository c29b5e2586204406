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

    /** As the CI-sized run plans it: over its longest fault phase (5 minutes plus a fifth). */
    private static FaultSchedule plan(long seed) {
        return FaultSchedule.plan(seed, REGIONS, PROMOTERS, VALIDATORS, 4, Duration.ofSeconds(2), Duration.ofMinutes(6),
                Duration.ofMillis(1300));
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
            assertThat(schedule.countByKind().keySet()).as("seed %d", seed).containsExactlyInAnyOrder(FaultSchedule.Kind.values());
            assertThat(schedule.faults()).as("seed %d", seed).hasSizeGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void plan_shouldKeepFaultsInsideTheRunAndInOrder_whenPlanned() {
        FaultSchedule schedule = plan(7);
        assertThat(schedule.faults()).allSatisfy(f -> assertThat(f.at()).isBetween(Duration.ofSeconds(2), Duration.ofMinutes(6)));
        assertThat(schedule.faults()).extracting(FaultSchedule.Planned::at).isSorted();
    }
}
