package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {
    private final RetrySchedule schedule = RetrySchedule.of(Duration.ofMinutes(1), Duration.ofSeconds(30));

    @ParameterizedTest(name = "receive {0} → {1} ms")
    @CsvSource({
            "1, 200",
            "2, 400",
            "3, 800",
            "4, 1600",
            "5, 3200",
            "9, 51200",
            "10, 60000",
            "11, 60000",
            "64, 60000",
            "2147483647, 60000",
            // A receive count of 0 cannot come from a queue, but must not shorten the delay below the first.
            "0, 200"})
    void afterMissing_shouldDoubleFrom200msUpToCooldown_whenReceivedAgain(int receiveCount, long millis) {
        assertThat(schedule.afterMissing(receiveCount)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "receive {0} → {1} s")
    @CsvSource({"1, 1", "2, 2", "3, 4", "4, 8", "5, 16", "6, 30", "100, 30"})
    void afterError_shouldDoubleFromOneSecondUpToCooldown_whenFailingAgain(int receiveCount, long seconds) {
        assertThat(schedule.afterError(receiveCount)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void afterMissing_shouldCostAboutOneSecond_whenFileIsOneSecondLate() {
        Duration elapsed = Duration.ZERO;
        int receive = 1;
        while (elapsed.compareTo(Duration.ofSeconds(1)) < 0) {
            elapsed = elapsed.plus(schedule.afterMissing(receive++));
        }
        assertThat(elapsed).isEqualTo(Duration.ofMillis(1400));
    }

    @Test
    void afterMissing_shouldWaitTheWholeCooldownEveryTime_whenFirstCooldownEqualsCooldown() {
        // lakeFS's own validator behaves so; the lag benchmark's lakeFS profile relies on it.
        RetrySchedule flat = RetrySchedule.of(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertThat(flat.afterMissing(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(flat.afterMissing(7)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void from_shouldStartTheMissingLadderAtTheConfiguredFirstCooldown() {
        ValidatorOptions options = ValidatorOptions.from(new io.lakemirror.config.ReplicationConfig.ValidatorSettings(
                Duration.ofMinutes(1), 3, Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMinutes(1), false), 100);
        assertThat(options.retries().afterMissing(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.retries().afterMissing(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(options.retries().afterMissing(9)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void ladder_shouldReturnCap_whenFirstDelayExceedsCap() {
        assertThat(RetrySchedule.ladder(Duration.ofSeconds(5), Duration.ofSeconds(1), 1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void constructor_shouldRefuseZeroDelays() {
        assertThatThrownBy(() -> RetrySchedule.of(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMissing");
    }
}
