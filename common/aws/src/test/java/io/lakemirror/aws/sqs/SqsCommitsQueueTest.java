package io.lakemirror.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.NonRetryableException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqsCommitsQueueTest {

    @ParameterizedTest
    @CsvSource({"0,0", "-5,0", "1,1", "200,1", "999,1", "1000,1", "1001,2", "30000,30", "86400000,43200"})
    void visibilitySeconds_shouldRoundUpToWholeSeconds_withinSqsLimits(long millis, int seconds) {
        assertThat(SqsCommitsQueue.visibilitySeconds(Duration.ofMillis(millis))).isEqualTo(seconds);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"maxReceiveCount\":\"5\",\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:1:dlq.fifo\"}|5",
            "{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:1:dlq.fifo\",\"maxReceiveCount\":2}|2",
            "{\"maxReceiveCount\":\" 1000 \"}|1000"})
    void maxReceiveCount_shouldReadTheRedrivePolicy_whetherNumberOrString(String policy, int expected) {
        assertThat(SqsCommitsQueue.maxReceiveCount(policy, "queue q in eu-west-1")).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"deadLetterTargetArn\":\"arn\"}", "{\"maxReceiveCount\":\"many\"}",
            "{\"maxReceiveCount\":0}", "{\"maxReceiveCount\":4294967297}", "not json"})
    void maxReceiveCount_shouldRefuseAPolicyWithoutAValidCount(String policy) {
        assertThatThrownBy(() -> SqsCommitsQueue.maxReceiveCount(policy, "queue q in eu-west-1"))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("no valid maxReceiveCount")
                .hasMessageEndingWith("this process does not consume the queue until then");
    }
}
