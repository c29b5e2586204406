package io.lakemirror.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;

    private AuthFailureLimiter limiter(int perAddress, int perKey) {
        return new AuthFailureLimiter(new ApiServer.AuthFailureLimits(perAddress, perKey, Duration.ofMinutes(1)), ticker);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void refusal_shouldStartAtTheLimitPerAddress_andEndWithTheWindow() {
        AuthFailureLimiter limiter = limiter(3, 0);
        IntStream.range(0, 2).forEach(i -> limiter.recordFailure("10.0.0.1", Optional.of("AKIA" + i)));
        assertThat(limiter.refusal("10.0.0.1", Optional.empty())).isEmpty();

        limiter.recordFailure("10.0.0.1", Optional.of("AKIA9"));
        advance(Duration.ofSeconds(20));

        assertThat(limiter.refusal("10.0.0.1", Optional.of("AKIAOTHER"))).hasValueSatisfying(r -> {
            assertThat(r.reason()).contains("from this address");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(40));
            assertThat(r.retryAfterSeconds()).isEqualTo(40);
        });
        assertThat(limiter.refusal("10.0.0.2", Optional.empty())).as("another address").isEmpty();

        advance(Duration.ofSeconds(41));
        assertThat(limiter.refusal("10.0.0.1", Optional.empty())).as("the window ended").isEmpty();
    }

    @Test
    void refusal_shouldFollowTheAccessKey_fromAnyAddress() {
        AuthFailureLimiter limiter = limiter(0, 2);
        limiter.recordFailure("10.0.0.1", Optional.of("AKIAVICTIM"));
        limiter.recordFailure("10.0.0.2", Optional.of("AKIAVICTIM"));

        assertThat(limiter.refusal("10.0.0.3", Optional.of("AKIAVICTIM")))
                .hasValueSatisfying(r -> assertThat(r.reason()).contains("with this access key"));
        assertThat(limiter.refusal("10.0.0.3", Optional.of("AKIAOTHER"))).isEmpty();
        assertThat(limiter.refusal("10.0.0.1", Optional.empty())).as("no per-address limit").isEmpty();
    }

    @Test
    void refusal_shouldNeverHappen_whenBothLimitsAreOff() {
        AuthFailureLimiter limiter = limiter(0, 0);
        IntStream.range(0, 1000).forEach(i -> limiter.recordFailure("10.0.0.1", Optional.of("AKIAVICTIM")));

        assertThat(limiter.refusal("10.0.0.1", Optional.of("AKIAVICTIM"))).isEmpty();
    }

    @Test
    void retryAfterSeconds_shouldBeAtLeastOne() {
        assertThat(new AuthFailureLimiter.Refusal("r", Duration.ofMillis(1)).retryAfterSeconds()).isEqualTo(1);
        assertThat(new AuthFailureLimiter.Refusal("r", Duration.ZERO).retryAfterSeconds()).isEqualTo(1);
        assertThat(new AuthFailureLimiter.Refusal("r", Duration.ofMillis(1500)).retryAfterSeconds()).isEqualTo(2);
    }
}
