package io.lakemirror.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A short scan interval must not cost a database write per mirror per cycle: the scan lease and
 * {@code last_scan_at} are written every ten intervals at most (at most every 15 s), and a changed
 * scan error at once.
 */
class SensorWritesTest {

    @ParameterizedTest(name = "interval {0} → record every {1}, lease {2}")
    @CsvSource({
            "PT0.2S, PT2S, PT2S",
            "PT1S, PT10S, PT10S",
            "PT5S, PT15S, PT15S",
            "PT15S, PT15S, PT45S",
            "PT1M, PT1M, PT3M"})
    void writeIntervals_shouldGrowWithTheScanInterval_butStayWithinBounds(Duration interval, Duration record, Duration lease) {
        assertThat(SensorSettings.slowWriteInterval(interval)).isEqualTo(record);
        assertThat(SensorSettings.leaseFor(interval)).isEqualTo(lease);
    }

    @Test
    void runOnce_shouldRecordAnUnchangedScanOnlyEveryRecordInterval_whenTheIntervalIsShort() throws Exception {
        SensorWorld world = SensorWorld.withMirror();
        CommitSensor sensor = world.sensor(fastSettings(world));

        sensor.runOnce();
        Instant first = world.sourceStatus(SensorWorld.MIRROR).lastScanAt().orElseThrow();
        world.clock.advance(Duration.ofSeconds(1));
        sensor.runOnce();
        Instant afterOneCycle = world.sourceStatus(SensorWorld.MIRROR).lastScanAt().orElseThrow();
        world.clock.advance(Duration.ofSeconds(10));
        sensor.runOnce();
        Instant afterRecordInterval = world.sourceStatus(SensorWorld.MIRROR).lastScanAt().orElseThrow();

        assertThat(afterOneCycle).as("an unchanged scan one second later is not written").isEqualTo(first);
        assertThat(afterRecordInterval).as("written again once the record interval passed").isAfter(first);
    }

    @Test
    void runOnce_shouldRecordAChangedScanErrorAtOnce_whenTheIntervalIsShort() throws Exception {
        SensorWorld world = SensorWorld.withMirror();
        CommitSensor sensor = world.sensor(fastSettings(world));
        sensor.runOnce();

        world.lakeFs.removeRepository(SensorWorld.REPO);
        world.clock.advance(Duration.ofSeconds(1));
        sensor.runOnce();

        assertThat(world.sourceStatus(SensorWorld.MIRROR).lastError()).hasValueSatisfying(error ->
                assertThat(error).contains("was not found"));
    }

    private static SensorSettings fastSettings(SensorWorld world) {
        SensorSettings base = world.settings("sensor-fast");
        Duration interval = Duration.ofSeconds(1);
        return new SensorSettings(base.region(), base.organizationId(), interval, base.concurrencyLimit(),
                base.listBranchPageSize(), base.logCommitPageSize(), base.includeHiddenBranches(),
                base.listMirrorsPageSize(), SensorSettings.leaseFor(interval), base.owner(), base.maxMessageBytes());
    }
}
