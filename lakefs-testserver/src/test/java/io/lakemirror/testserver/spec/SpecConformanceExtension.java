package io.lakemirror.testserver.spec;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when an exchange a lakeFS test server served during it departed from lakeFS's spec in a way
 * no {@link Departures} entry allows (the servers check every exchange themselves, {@link SpecExchangeCheck}).
 * Registered for every class by JUnit's extension auto-detection (this module's and it/'s
 * {@code junit-platform.properties}).
 */
public final class SpecConformanceExtension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SpecConformanceExtension.class);
    private static final String MARK = "unexpected-before";
    /** How long the checker may lag behind the servers; checks take milliseconds, a busy machine may queue them. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (LakeFsSpec.ifUsed().isPresent()) {
            LakeFsSpec.get().awaitChecked(PATIENCE);
        }
        context.getStore(NAMESPACE).put(MARK, LakeFsSpec.ifUsed().map(LakeFsSpec::unexpectedCount).orElse(0L));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (LakeFsSpec.ifUsed().isEmpty()) {
            return;
        }
        LakeFsSpec spec = LakeFsSpec.get();
        if (!spec.awaitChecked(PATIENCE)) {
            throw new AssertionError("lakeFS exchanges of " + context.getDisplayName() + " were still not checked against"
                    + " lakeFS's swagger.yml after " + PATIENCE);
        }
        Long before = context.getStore(NAMESPACE).get(MARK, Long.class);
        long now = spec.unexpectedCount();
        if (before != null && now > before) {
            List<String> seen = spec.unexpected();
            throw new AssertionError((now - before) + " lakeFS exchanges of " + context.getDisplayName()
                    + " departed from lakeFS's swagger.yml without an allow-list entry (Departures); the latest: "
                    + String.join(System.lineSeparator(), seen.subList(Math.max(0, seen.size() - 10), seen.size())));
        }
    }
}
