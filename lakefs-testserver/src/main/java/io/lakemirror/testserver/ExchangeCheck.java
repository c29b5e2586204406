package io.lakemirror.testserver;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Checks every exchange a lakeFS test server serves, for example against lakeFS's {@code swagger.yml}
 * (lakefs-testserver's test-jar provides that one, {@code spec/SpecExchangeCheck}, as a service). Called
 * once per exchange on the server's event loop after the answer is sent, so it must return at once
 * (hand the work to a thread of its own). Test-only: the production image carries no test server.
 */
@FunctionalInterface
public interface ExchangeCheck {
    void check(ServedExchange exchange);

    /** The check registered as a service ({@code META-INF/services}), if one is on the classpath. */
    static Optional<ExchangeCheck> registered() {
        return ServiceLoader.load(ExchangeCheck.class, ExchangeCheck.class.getClassLoader()).findFirst();
    }
}
