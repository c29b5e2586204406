package io.lakemirror.sandbox;

import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.launcher.ComponentCommand;
import io.lakemirror.launcher.RegionProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sandbox run COMPONENT --config FILE}: one region's components, as {@code bin/replication
 * all} runs them, on the local servers of a sandbox started with {@code --no-replication} (or of a
 * test world). dynoxide needs two compatibility shims for the change feed, and its lease is seeded so
 * the feed starts in seconds; production wiring takes neither.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
    "Run a region's replication components on the sandbox's local servers (see sandbox --no-replication),"
        + " until Ctrl-C or SIGTERM. COMPONENT is sensor, validator, promoter, api or all."})
final class RunCommand extends ComponentCommand {
    /** What {@code sandbox run} can start. */
    enum Target {
        sensor(EnumSet.of(RegionProcess.Part.SENSOR)),
        validator(EnumSet.of(RegionProcess.Part.VALIDATOR)),
        promoter(EnumSet.of(RegionProcess.Part.PROMOTER)),
        api(EnumSet.of(RegionProcess.Part.API)),
        all(EnumSet.allOf(RegionProcess.Part.class));

        final Set<RegionProcess.Part> parts;

        Target(Set<RegionProcess.Part> parts) {
            this.parts = parts;
        }
    }

    @Parameters(index = "0", paramLabel = "COMPONENT", description = "sensor, validator, promoter, api or all.")
    Target target;

    @Option(names = "--clock-offset", paramLabel = "DURATION", defaultValue = "PT0S", description = {
        "Run the components' wall clock this far off the host's (ISO-8601, e.g. PT20S or -PT15S), to try clock"
            + " skew between processes; leases are timed on the monotonic clock and must not care."})
    Duration clockOffset;

    @Override
    protected Set<RegionProcess.Part> parts() {
        return target.parts;
    }

    @Override
    protected RegionProcess start(ReplicationConfig config) {
        return RegionProcess.start(config, LocalServices.dynoxideShims(config), LocalServices.seedChangeFeed(), parts(),
                Clock.offset(Clock.systemUTC(), clockOffset));
    }
}
