package io.lakemirror.it.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.testkit.faults.HttpFaultProxy;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Network partitions between one kind of process of a region and one server of another: each such route
 * goes through its own proxy, chained in front of the proxy every process shares (so the shared faults
 * still apply), and a cut route resets its connections instead of answering.
 *
 * <ul>
 *   <li>validators of region R → lakeFS of region S (claim checks, provenance lookups): one proxy per pair;</li>
 *   <li>sensors of region S → the queue of region R: one proxy per sensor region, cutting only the calls
 *       whose {@code QueueUrl} is R's queue (the sensor reaches every destination queue through one endpoint).</li>
 * </ul>
 *
 * Cuts of one route nest: the route heals when its last cut is healed. Not thread-safe: the fault
 * injector's thread drives it.
 */
final class RoutePartitions implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Per "validatorRegion->sourceRegion", the validators' route to that lakeFS. */
    private final Map<String, HttpFaultProxy> validatorRoutes = new LinkedHashMap<>();
    /** Per sensor region, the sensors' route to SQS. */
    private final Map<String, HttpFaultProxy> sensorRoutes = new LinkedHashMap<>();
    /** Per region, the name of its commits queue. */
    private final Map<String, String> queueNames;
    private final Map<String, Integer> cuts = new HashMap<>();
    /** Per sensor region, the queue names it cannot reach now (read on the proxies' event loops). */
    private final Map<String, Set<String>> cutQueues = new ConcurrentHashMap<>();
    private final List<AutoCloseable> proxies = new ArrayList<>();

    /**
     * @param lakeFs   per region, where the service reaches its lakeFS (the shared proxy)
     * @param sqs      where the service reaches SQS (the shared proxy)
     * @param queueNames per region, the name of its commits queue
     */
    RoutePartitions(Map<String, URI> lakeFs, URI sqs, Map<String, String> queueNames, long seed) {
        this.queueNames = Map.copyOf(queueNames);
        try {
            for (String validatorRegion : lakeFs.keySet()) {
                for (Map.Entry<String, URI> source : lakeFs.entrySet()) {
                    if (!source.getKey().equals(validatorRegion)) {
                        String route = validatorRegion + "->" + source.getKey();
                        HttpFaultProxy proxy = HttpFaultProxy.builder("lakefs-validator-" + route, source.getValue())
                                .seed(seed + route.hashCode()).start();
                        proxies.add(proxy);
                        validatorRoutes.put(route, proxy);
                    }
                }
            }
            for (String sensorRegion : lakeFs.keySet()) {
                Set<String> cut = ConcurrentHashMap.newKeySet();
                cutQueues.put(sensorRegion, cut);
                HttpFaultProxy proxy = HttpFaultProxy.builder("sqs-sensor-" + sensorRegion, sqs)
                        .seed(seed + sensorRegion.hashCode()).start();
                proxies.add(proxy);
                proxy.partition(toQueueIn(cut));
                sensorRoutes.put(sensorRegion, proxy);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Predicate<HttpFaultProxy.Exchange> toQueueIn(Set<String> names) {
        return exchange -> {
            if (names.isEmpty()) {
                return false;
            }
            try {
                String url = JSON.readTree(exchange.body()).path("QueueUrl").asText("");
                return names.contains(url.substring(url.lastIndexOf('/') + 1));
            } catch (IOException e) {
                return false;
            }
        };
    }

    /** The lakeFS endpoint the validators of {@code validatorRegion} use for {@code sourceRegion}'s lakeFS. */
    URI validatorRoute(String validatorRegion, String sourceRegion) {
        return validatorRoutes.get(validatorRegion + "->" + sourceRegion).endpoint();
    }

    /** The SQS endpoint of the sensors of {@code sensorRegion}. */
    URI sensorRoute(String sensorRegion) {
        return sensorRoutes.get(sensorRegion).endpoint();
    }

    /** Cuts the validators of {@code validatorRegion} off the lakeFS of {@code sourceRegion}. */
    void cutValidator(String validatorRegion, String sourceRegion) {
        String route = validatorRegion + "->" + sourceRegion;
        if (cuts.merge("validator:" + route, 1, Integer::sum) == 1) {
            validatorRoutes.get(route).partition(e -> true);
        }
    }

    void healValidator(String validatorRegion, String sourceRegion) {
        String route = validatorRegion + "->" + sourceRegion;
        if (cuts.merge("validator:" + route, -1, Integer::sum) == 0) {
            validatorRoutes.get(route).partition(e -> false);
        }
    }

    /** Cuts the sensors of {@code sensorRegion} off the queue of {@code destination}. */
    void cutSensor(String sensorRegion, String destination) {
        if (cuts.merge("sensor:" + sensorRegion + "->" + destination, 1, Integer::sum) == 1) {
            cutQueues.get(sensorRegion).add(queueNames.get(destination));
        }
    }

    void healSensor(String sensorRegion, String destination) {
        if (cuts.merge("sensor:" + sensorRegion + "->" + destination, -1, Integer::sum) == 0) {
            cutQueues.get(sensorRegion).remove(queueNames.get(destination));
        }
    }

    /** Heals every route at once. */
    void healAll() {
        cuts.clear();
        validatorRoutes.values().forEach(p -> p.partition(e -> false));
        cutQueues.values().forEach(Set::clear);
    }

    /** Requests reset by cut routes so far, per route proxy. */
    Map<String, Long> stats() {
        Map<String, Long> out = new LinkedHashMap<>();
        validatorRoutes.forEach((route, p) -> out.put("validator " + route, p.partitioned()));
        sensorRoutes.forEach((region, p) -> out.put("sensor " + region, p.partitioned()));
        return out;
    }

    @Override
    public void close() {
        for (AutoCloseable proxy : proxies) {
            try {
                proxy.close();
            } catch (Exception e) {
                // Closing the others matters more; each proxy logs its own trouble.
            }
        }
    }
}
