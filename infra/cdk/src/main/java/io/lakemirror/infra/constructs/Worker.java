package io.lakemirror.infra.constructs;

import java.util.List;
import java.util.Locale;

/** The service's components that run as separate ECS services, each with its own role. */
public enum Worker {
    /** Scans source branches of mirrors whose source is this region; sends to destination queues. */
    SENSOR,
    /** Consumes this region's commits queue and checks the bucket for each commit's metadata files. */
    VALIDATOR,
    /** Follows the mirrors-table stream; manages mirror repositories and moves mirror branches. */
    PROMOTER,
    /** The REST API, health check and metrics, behind a load balancer. */
    API;

    /** The launcher subcommand: {@code bin/replication <subcommand>}. */
    public String subcommand() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Construct id fragment, e.g. {@code Validator}. */
    public String constructId() {
        String lower = subcommand();
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    /**
     * The container command that runs this worker alone from the service image: the image's
     * entrypoint is {@code java} with its container flags and {@code -jar /app/lakemirror.jar}, so the
     * command is the launcher's subcommand.
     */
    public List<String> command() {
        return List.of(subcommand());
    }
}
