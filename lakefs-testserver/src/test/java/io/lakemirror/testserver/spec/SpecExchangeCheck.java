package io.lakemirror.testserver.spec;

import io.lakemirror.testserver.ExchangeCheck;
import io.lakemirror.testserver.ServedExchange;

/**
 * The {@link ExchangeCheck} registered as a service by this test-jar: hands every exchange a lakeFS test
 * server serves to the JVM's {@link LakeFsSpec}. The testkit's {@code World} finds it on the classpath and
 * turns it on for every region's test server; this module's tests turn it on in {@code SharedS3.server()}.
 */
public final class SpecExchangeCheck implements ExchangeCheck {
    @Override
    public void check(ServedExchange exchange) {
        LakeFsSpec.get().submit(exchange);
    }
}
