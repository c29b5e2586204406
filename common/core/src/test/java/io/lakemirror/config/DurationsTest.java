package io.lakemirror.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,500", "20s,20000", "1m,60000", "1h,3600000", "1m30s,90000", "2h5m1s10ms,7501010"})
    void parse_shouldReadLakeFsStyleDurations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "1 m", "1d", "-1s", "1.5s", "s"})
    void parse_shouldExplainAcceptedForms_whenTextIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("for example 500ms, 20s, 1m");
    }

    @Property
    void format_shouldRoundTrip(@ForAll @LongRange(min = 1, max = 10L * 24 * 3600 * 1000) long millis) {
        Duration d = Duration.ofMillis(millis);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}
