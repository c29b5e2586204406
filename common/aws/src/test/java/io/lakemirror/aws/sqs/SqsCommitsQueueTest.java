package io.lakemirror.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqsCommitsQueueTest {

    @ParameterizedTest
    @CsvSource({"0,0", "-5,0", "1,1", "200,1", "999,1", "1000,1", "1001,2", "30000,30", "86400000,43200"})
    void visibilitySeconds_shouldRoundUpToWholeSeconds_withinSqsLimits(long millis, int seconds) {
        assertThat(SqsCommitsQueue.visibilitySeconds(Duration.ofMillis(millis))).isEqualTo(seconds);
    }
}
