package io.lakemirror.infra.topology;

import io.lakemirror.infra.constructs.Worker;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many tasks of a worker run in each region: {@code desired} at deployment and at least that
 * many always, scaling up to {@code max} (the validator on its queue's backlog, the others on CPU).
 * Every worker may run several tasks: sensors share mirrors through a scan lease, validators the
 * queue, promoters branches through a promotion lease, API tasks sit behind the load balancer.
 *
 * @param desired tasks at deployment, and the least that run (at least 1)
 * @param max     the most that run (at least {@code desired})
 */
public record WorkerCounts(int desired, int max) {
    /** Topology defaults: one task of each worker (two of the API), able to grow. */
    public static final Map<Worker, WorkerCounts> DEFAULTS = defaults();

    private static Map<Worker, WorkerCounts> defaults() {
        Map<Worker, WorkerCounts> counts = new EnumMap<>(Worker.class);
        counts.put(Worker.SENSOR, new WorkerCounts(1, 2));
        counts.put(Worker.VALIDATOR, new WorkerCounts(1, 4));
        counts.put(Worker.PROMOTER, new WorkerCounts(1, 2));
        counts.put(Worker.API, new WorkerCounts(2, 4));
        return Collections.unmodifiableMap(counts);
    }

    /** Whether the worker scales at all. */
    public boolean scales() {
        return max > desired;
    }
}
