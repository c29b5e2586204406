package io.lakemirror.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchStatsTest {

    private static List<Duration> millis(int... values) {
        return IntStream.of(values).mapToObj(Duration::ofMillis).toList();
    }

    @ParameterizedTest(name = "p{0} of 1..100 ms = {1} ms")
    @CsvSource({"50, 50", "95, 95", "99, 99", "100, 100", "0.5, 1", "1, 1"})
    void percentile_shouldBeTheNearestRank_ofAHundredValues(double p, int expectedMillis) {
        List<Duration> sorted = IntStream.rangeClosed(1, 100).mapToObj(Duration::ofMillis).toList();

        assertThat(BenchStats.percentile(sorted, p)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void of_shouldSummarizeAnUnsortedSample() {
        BenchStats stats = BenchStats.of(millis(900, 100, 500, 300, 700));

        assertThat(stats.count()).isEqualTo(5);
        assertThat(stats.p50()).isEqualTo(Duration.ofMillis(500));
        assertThat(stats.p95()).isEqualTo(Duration.ofMillis(900));
        assertThat(stats.p99()).isEqualTo(Duration.ofMillis(900));
        assertThat(stats.max()).isEqualTo(Duration.ofMillis(900));
        assertThat(stats.mean()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void ratios_shouldDivideTheOtherRunByThisOne() {
        BenchStats ours = BenchStats.of(millis(1000, 2000));
        BenchStats theirs = BenchStats.of(millis(30000, 60000));

        assertThat(ours.ratios(theirs)).containsExactly(30.0, 30.0, 30.0, 30.0, 30.0);
    }

    @Test
    void of_shouldRefuseAnEmptySample() {
        assertThatThrownBy(() -> BenchStats.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void percentiles_shouldBeOrderedAndMeasured(@ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 100_000) Integer> values) {
        List<Duration> sample = values.stream().map(Duration::ofMillis).toList();
        BenchStats stats = BenchStats.of(sample);

        assertThat(stats.p50()).isLessThanOrEqualTo(stats.p95());
        assertThat(stats.p95()).isLessThanOrEqualTo(stats.p99());
        assertThat(stats.p99()).isLessThanOrEqualTo(stats.max());
        assertThat(sample).contains(stats.p50(), stats.p95(), stats.p99(), stats.max());
    }
}
