package io.lakemirror.api.dashboard;

import io.lakemirror.api.metrics.MirrorMetrics;
import io.lakemirror.config.Durations;
import io.lakemirror.domain.MirrorId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded history of each mirror branch's lag and commits behind, for the dashboard's lag-over-time plots. It
 * samples the per-branch gauges that {@link MirrorMetrics} refreshes from the mirrors database
 * ({@value MirrorMetrics#BRANCH_LAG}, {@value MirrorMetrics#BRANCH_COMMITS_BEHIND}) every {@code interval}, on a
 * daemon thread of its own ({@code lag-history}), so it adds no database reads and shows exactly what
 * {@code /metrics} shows.
 *
 * <p>Bounded: per branch at most {@code window / interval} samples (older ones drop), a branch whose gauges are
 * gone is forgotten once its last sample is older than the window, and at most {@link #MAX_SERIES} branches are
 * tracked (more are left out, logged once). At 16 bytes a sample that is under 10 MiB at the defaults. The history
 * lives in the process: a restarted or second API process starts its own.
 */
public final class LagHistory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LagHistory.class);
    /** Branches tracked at most. */
    public static final int MAX_SERIES = 5_000;
    /** Samples kept per branch at most, whatever the window and interval. */
    public static final int MAX_SAMPLES = 720;

    /** One sample of one branch. */
    public record Sample(long epochSecond, long lagSeconds, long commitsBehind) {
    }

    private record Key(String mirror, String branch) {
    }

    private final MeterRegistry registry;
    private final Duration interval;
    private final Duration window;
    private final Clock clock;
    private final int maxSamples;
    private final Map<Key, ArrayDeque<Sample>> series = new HashMap<>();
    private final ScheduledExecutorService scheduler;
    private boolean warnedFull;

    /**
     * @param registry where {@link MirrorMetrics} registers its gauges (the API's Prometheus registry)
     * @param interval time between samples ({@code metrics.refresh_interval}: sampling faster repeats values)
     * @param window   how far back the history goes
     */
    public LagHistory(MeterRegistry registry, Duration interval, Duration window, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.window = Objects.requireNonNull(window, "window");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isZero() || interval.isNegative() || window.compareTo(interval) < 0) {
            throw new IllegalArgumentException("the interval must be positive and the window at least one interval: "
                    + interval + ", " + window);
        }
        this.maxSamples = (int) Math.min(MAX_SAMPLES, Math.max(2, window.toMillis() / interval.toMillis()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lag-history");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        LOG.info("lag history: a sample every {}, {} per branch at most", Durations.format(interval), maxSamples);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                LOG.warn("lag history: sampling failed ({}); next in {}", e.toString(), Durations.format(interval));
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Duration interval() {
        return interval;
    }

    public Duration window() {
        return window;
    }

    /** Takes one sample of every branch gauge now. Called by the scheduler; tests call it directly. */
    public synchronized void sample() {
        Instant now = clock.instant();
        Map<Key, long[]> values = new HashMap<>();
        for (Gauge g : registry.find(MirrorMetrics.BRANCH_LAG).gauges()) {
            key(g).ifPresent(k -> values.computeIfAbsent(k, x -> new long[2])[0] = (long) g.value());
        }
        for (Gauge g : registry.find(MirrorMetrics.BRANCH_COMMITS_BEHIND).gauges()) {
            key(g).ifPresent(k -> values.computeIfAbsent(k, x -> new long[2])[1] = (long) g.value());
        }
        for (Map.Entry<Key, long[]> e : values.entrySet()) {
            ArrayDeque<Sample> samples = series.get(e.getKey());
            if (samples == null) {
                if (series.size() >= MAX_SERIES) {
                    if (!warnedFull) {
                        LOG.warn("lag history: {} branches tracked, the most it keeps; new branches get no history", MAX_SERIES);
                        warnedFull = true;
                    }
                    continue;
                }
                samples = new ArrayDeque<>();
                series.put(e.getKey(), samples);
            }
            samples.addLast(new Sample(now.getEpochSecond(), e.getValue()[0], e.getValue()[1]));
            while (samples.size() > maxSamples) {
                samples.removeFirst();
            }
        }
        long cutoff = now.minus(window).getEpochSecond();
        series.entrySet().removeIf(e -> !values.containsKey(e.getKey()) && e.getValue().peekLast().epochSecond() < cutoff);
    }

    private static java.util.Optional<Key> key(Gauge gauge) {
        String mirror = gauge.getId().getTag("mirror");
        String branch = gauge.getId().getTag("branch");
        return mirror == null || branch == null ? java.util.Optional.empty() : java.util.Optional.of(new Key(mirror, branch));
    }

    /** Every branch's samples of {@code mirror}, oldest first, by branch name. */
    public synchronized Map<String, List<Sample>> of(MirrorId mirror) {
        Map<String, List<Sample>> out = new TreeMap<>();
        series.forEach((k, samples) -> {
            if (k.mirror().equals(mirror.value())) {
                out.put(k.branch(), new ArrayList<>(samples));
            }
        });
        return out;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
