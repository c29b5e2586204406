package io.lakemirror.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Summary of a sample of durations: count, p50, p95, p99, max and mean. Percentiles are nearest-rank
 * (the smallest value with at least p % of the sample at or below it), so every reported value is
 * one that was measured.
 */
record BenchStats(int count, Duration p50, Duration p95, Duration p99, Duration max, Duration mean) {

    static BenchStats of(Collection<Duration> sample) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("no measurements to summarize");
        }
        List<Duration> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        long totalNanos = 0;
        for (Duration d : sorted) {
            totalNanos += d.toNanos();
        }
        return new BenchStats(sorted.size(), percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
                sorted.get(sorted.size() - 1), Duration.ofNanos(totalNanos / sorted.size()));
    }

    /** Nearest rank: the value at position ⌈p/100 · n⌉ (1-based) of the sorted sample. */
    static Duration percentile(List<Duration> sorted, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }

    /** {@code other / this} for each statistic, as factors (how many times slower {@code other} is). */
    double[] ratios(BenchStats other) {
        return new double[] {ratio(other.p50, p50), ratio(other.p95, p95), ratio(other.p99, p99), ratio(other.max, max),
            ratio(other.mean, mean)};
    }

    private static double ratio(Duration numerator, Duration denominator) {
        return denominator.isZero() ? Double.NaN : (double) numerator.toNanos() / denominator.toNanos();
    }

    /** Seconds with two decimals, e.g. {@code 1.25 s}. */
    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
}
