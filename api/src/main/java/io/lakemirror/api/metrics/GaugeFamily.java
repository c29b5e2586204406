package io.lakemirror.api.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gauge name with a row per tag set, whose rows are replaced as a whole. A row that stays keeps
 * its gauge and only changes value, so a scrape during a refresh never misses it; a row that goes
 * is removed from the registry. Not thread-safe: its owner serializes the calls.
 */
final class GaugeFamily {
    private final MultiGauge gauge;
    private final Map<Tags, AtomicLong> values = new HashMap<>();

    GaugeFamily(MeterRegistry registry, String name, String baseUnit, String description) {
        this.gauge = MultiGauge.builder(name).baseUnit(baseUnit).description(description).register(registry);
    }

    /** Makes {@code rows} the only rows, with these values. */
    void set(Map<Tags, Long> rows) {
        values.keySet().retainAll(rows.keySet());
        rows.forEach((tags, value) -> values.computeIfAbsent(tags, t -> new AtomicLong()).set(value));
        // Same holder objects as before for the rows that stay: overwrite=false keeps their gauges.
        gauge.register(values.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(), false);
    }

    void clear() {
        values.clear();
        gauge.register(List.of(), false);
    }
}
