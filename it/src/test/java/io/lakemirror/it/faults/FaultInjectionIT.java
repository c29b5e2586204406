package io.lakemirror.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.testkit.ProcessHygiene;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Kill, duplicate, delay and break everything, and lose nothing: three regions, every component in
 * its own OS process, five mirrors under a seeded workload, and a seeded schedule injecting a fault
 * every 1.3 s on average; the independent auditor must find no violation of I1–I6, and after the heal
 * every mirror must converge (I4). The CI-sized run takes about nine minutes; docs/testing.md
 * describes replaying a seed and the long run ({@code -Dlakemirror.faults.duration=PT1H}).
 */
class FaultInjectionIT {

    @Test
    void mirrors_shouldLoseNothing_whileASeededScheduleKillsDuplicatesDelaysAndBreaksEverything() {
        FaultRunSettings settings = FaultRunSettings.fromSystemProperties();
        ProcessHygiene.Snapshot processes = ProcessHygiene.snapshot();
        FaultHarness.Report report;
        try (FaultHarness harness = FaultHarness.start(settings)) {
            report = harness.run();
        }
        processes.assertNoNewProcesses(Duration.ofSeconds(30));

        String context = report.describe();
        assertThat(report.violations()).as(context).isEmpty();
        assertThat(report.converged()).as(context).isTrue();
        assertThat(report.totalFaults()).as(context).isGreaterThanOrEqualTo(settings.minFaults());
        assertThat(report.commits()).as(context).isGreaterThanOrEqualTo(settings.minCommits());
        assertThat(report.checks().fewestAuditRounds()).as("complete audit rounds of the mirror audited least\n" + context)
                .isGreaterThanOrEqualTo(settings.minAuditRounds());
        assertThat(report.checks().promotedDisagreements())
                .as("I7: the mirrors database's promoted heads must be the mirror branches' lakeFS heads after the heal\n"
                        + context).isEmpty();
        assertThat(report.checks().queue().missing())
                .as("forged and tampered messages must end in a dead-letter queue\n" + context).isEmpty();
        assertThat(report.checks().strictClean()).as("strict audit of the mirror with data objects\n" + context).isTrue();
    }
}
