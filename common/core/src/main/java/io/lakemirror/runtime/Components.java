package io.lakemirror.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers for {@link Component}s. */
public final class Components {
    private static final Logger LOG = LoggerFactory.getLogger(Components.class);

    private Components() {
    }

    /** {@code component}, closing {@code resources} (for example the backends it runs on) right after it. */
    public static Component closingAfter(Component component, AutoCloseable resources) {
        return new Component() {
            @Override
            public String name() {
                return component.name();
            }

            @Override
            public void start() {
                component.start();
            }

            @Override
            public void close() {
                try {
                    component.close();
                } finally {
                    try {
                        resources.close();
                    } catch (Exception e) {
                        LOG.warn("closing the resources of {} failed: {}", component.name(), e.toString());
                    }
                }
            }
        };
    }
}
