package io.lakemirror.api.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts failed authentications per client address and per access key id, each in a window that
 * starts at its first failure (Caffeine expires the counter with the window); once a counter reaches
 * its limit, further attempts are refused until the window ends, without asking lakeFS. Only
 * credentials that lakeFS (or the auth directory) rejected count: a request without credentials or
 * one that failed because lakeFS was unavailable does not. Thread-safe; memory is bounded.
 */
final class AuthFailureLimiter {
    private static final long MAX_TRACKED = 100_000;

    private final ApiServer.AuthFailureLimits limits;
    private final Cache<String, AtomicInteger> byAddress;
    private final Cache<String, AtomicInteger> byAccessKey;

    AuthFailureLimiter(ApiServer.AuthFailureLimits limits, Ticker ticker) {
        this.limits = limits;
        this.byAddress = counters(limits.window(), ticker);
        this.byAccessKey = counters(limits.window(), ticker);
    }

    private static Cache<String, AtomicInteger> counters(Duration window, Ticker ticker) {
        return Caffeine.newBuilder().expireAfterWrite(window).maximumSize(MAX_TRACKED).ticker(ticker).build();
    }

    /** Why an attempt from {@code address} with {@code accessKey} is refused now, or empty when it may go ahead. */
    Optional<Refusal> refusal(String address, Optional<String> accessKey) {
        Optional<Refusal> byAddr = exceeded(byAddress, address, limits.perClientAddress())
                .map(wait -> new Refusal("too many failed authentications from this address", wait));
        if (byAddr.isPresent()) {
            return byAddr;
        }
        return accessKey.flatMap(key -> exceeded(byAccessKey, key, limits.perAccessKey())
                .map(wait -> new Refusal("too many failed authentications with this access key", wait)));
    }

    /** Records credentials that were presented and rejected. */
    void recordFailure(String address, Optional<String> accessKey) {
        if (limits.perClientAddress() > 0) {
            byAddress.get(address, k -> new AtomicInteger()).incrementAndGet();
        }
        if (limits.perAccessKey() > 0) {
            accessKey.ifPresent(key -> byAccessKey.get(key, k -> new AtomicInteger()).incrementAndGet());
        }
    }

    private Optional<Duration> exceeded(Cache<String, AtomicInteger> counters, String key, int limit) {
        if (limit <= 0) {
            return Optional.empty();
        }
        AtomicInteger failures = counters.getIfPresent(key);
        if (failures == null || failures.get() < limit) {
            return Optional.empty();
        }
        Duration age = counters.policy().expireAfterWrite().flatMap(p -> p.ageOf(key)).orElse(Duration.ZERO);
        Duration left = limits.window().minus(age);
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    /** A refused attempt: why, and how long until the window ends. */
    record Refusal(String reason, Duration retryAfter) {
        /** Whole seconds for {@code Retry-After}, at least 1. */
        long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }
}
