package io.lakemirror.config;

import java.util.Objects;

/** A secret configuration value. Its {@code toString} never shows it, so it cannot leak into a log line by accident. */
public final class Secret {
    public static final String MASK = "******";
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret itself: pass it only to the client that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
