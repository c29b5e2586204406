package io.lakemirror.launcher;

import io.lakemirror.domain.AuthenticationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The readiness checks of a process: one cheap call to each backend its components need, through
 * the same ports they use. A process is ready when the mirrors database answers a one-item listing,
 * and, when it runs the validator, this region's commits queue answers its depth, and, when it runs
 * the sensor, promoter or API, this region's lakeFS accepts the replication user's keys.
 */
final class HealthChecks {
    private HealthChecks() {
    }

    static Map<String, HealthServer.Check> of(Backends backends, Set<RegionProcess.Part> parts) {
        Map<String, HealthServer.Check> checks = new LinkedHashMap<>();
        checks.put("mirrors_database", () -> backends.mirrorsDatabase().listMirrors(Optional.empty(), 1));
        if (parts.contains(RegionProcess.Part.VALIDATOR)) {
            checks.put("commits_queue", () -> backends.commitsQueue().approximateDepth());
        }
        if (parts.contains(RegionProcess.Part.SENSOR) || parts.contains(RegionProcess.Part.PROMOTER)
                || parts.contains(RegionProcess.Part.API)) {
            checks.put("lakefs", () -> {
                if (backends.localLakeFs().currentUser().isEmpty()) {
                    throw new AuthenticationException("lakeFS at " + backends.config().regionalEndpoint()
                            + " does not know the replication user's keys; check lakefs.access_key_id");
                }
            });
        }
        return checks;
    }
}
