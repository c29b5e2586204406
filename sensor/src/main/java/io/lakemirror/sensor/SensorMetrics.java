package io.lakemirror.sensor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The sensor's meters, all under {@code lakemirror.sensor.}:
 *
 * <ul>
 *   <li>{@code scans} (counter, tag {@code outcome}: ok, failed, skipped) — mirror scans; skipped = the
 *       lease is held by another sensor;</li>
 *   <li>{@code cycle.duration} and {@code mirror.duration} (timers) — a whole cycle, one mirror's scan;</li>
 *   <li>{@code branches.listed}, {@code branches.changed} (counters);</li>
 *   <li>{@code sequences} (counter, tag {@code kind}: head, deletion, resend) — sequences announced;</li>
 *   <li>{@code messages.sent}, {@code commits.sent}, {@code commits.claim_checked} (counters);</li>
 *   <li>{@code failures} (counter, tags {@code stage}: mirror, branch; {@code retryable}) — scans that
 *       failed and are retried next cycle;</li>
 *   <li>{@code races.lost} (counter) — sequences another sensor wrote first, or leases lost mid-scan;</li>
 *   <li>{@code sources.replaced} (counter) — scans stopped because the source repository was deleted and
 *       recreated under the same name.</li>
 * </ul>
 */
final class SensorMetrics {
    private static final String PREFIX = "lakemirror.sensor.";

    private final MeterRegistry registry;
    private final Counter scansOk;
    private final Counter scansFailed;
    private final Counter scansSkipped;
    private final Timer cycleDuration;
    private final Timer mirrorDuration;
    private final Counter branchesListed;
    private final Counter branchesChanged;
    private final Counter messagesSent;
    private final Counter commitsSent;
    private final Counter claimChecked;
    private final Counter racesLost;

    SensorMetrics(MeterRegistry registry) {
        this.registry = registry;
        scansOk = scans("ok");
        scansFailed = scans("failed");
        scansSkipped = scans("skipped");
        cycleDuration = Timer.builder(PREFIX + "cycle.duration").description("One scan of every mirror").register(registry);
        mirrorDuration = Timer.builder(PREFIX + "mirror.duration").description("One mirror's scan").register(registry);
        branchesListed = Counter.builder(PREFIX + "branches.listed").description("Source branches listed").register(registry);
        branchesChanged = Counter.builder(PREFIX + "branches.changed")
                .description("Source branches whose head moved, appeared or disappeared").register(registry);
        messagesSent = Counter.builder(PREFIX + "messages.sent").description("CommitsDetected messages sent").register(registry);
        commitsSent = Counter.builder(PREFIX + "commits.sent").description("Commit records sent").register(registry);
        claimChecked = Counter.builder(PREFIX + "commits.claim_checked")
                .description("Commits too large for a message, sent by ID").register(registry);
        racesLost = Counter.builder(PREFIX + "races.lost")
                .description("Sequences or leases another sensor took first").register(registry);
    }

    private Counter scans(String outcome) {
        return Counter.builder(PREFIX + "scans").description("Mirror scans by outcome").tag("outcome", outcome)
                .register(registry);
    }

    void scanned(MirrorScanReport report, Duration took) {
        mirrorDuration.record(took);
        (report.failed() ? scansFailed : scansOk).increment();
        branchesListed.increment(report.branchesListed());
        branchesChanged.increment(report.branchesChanged());
        messagesSent.increment(report.messagesSent());
        commitsSent.increment(report.commitsSent());
        claimChecked.increment(report.claimChecked());
        racesLost.increment(report.racesLost());
    }

    void skipped() {
        scansSkipped.increment();
    }

    void cycle(Duration took) {
        cycleDuration.record(took);
    }

    void sequence(String kind) {
        Counter.builder(PREFIX + "sequences").description("Sequences announced").tag("kind", kind)
                .register(registry).increment();
    }

    void sourceReplaced() {
        Counter.builder(PREFIX + "sources.replaced")
                .description("Scans stopped because the source repository was recreated under the same name")
                .register(registry).increment();
    }

    void failure(String stage, boolean retryable) {
        Counter.builder(PREFIX + "failures").description("Failed scans, retried next cycle").tag("stage", stage)
                .tag("retryable", Boolean.toString(retryable)).register(registry).increment();
    }
}
