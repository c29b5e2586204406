package io.lakemirror.graveler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** What a graveler SSTable holds, as its {@code type} user property says. */
public enum GravelerFileType {
    /** Records are object paths with catalog entries. */
    RANGES("ranges"),
    /** Records are range IDs with the key span of each range. */
    METARANGES("metaranges");

    private final String propertyValue;

    GravelerFileType(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    public String propertyValue() {
        return propertyValue;
    }

    static Optional<GravelerFileType> fromProperty(byte[] value) {
        return Arrays.stream(values())
                .filter(t -> Arrays.equals(t.propertyValue.getBytes(StandardCharsets.US_ASCII), value))
                .findFirst();
    }
}
