package io.lakemirror.graveler;

import java.util.Set;

/** The user properties lakeFS writes into every range and metarange. */
public final class GravelerProperties {
    public static final String TYPE = "type";
    public static final String MIN_KEY = "min_key";
    public static final String MAX_KEY = "max_key";
    public static final String COUNT = "count";
    public static final String ESTIMATED_SIZE_BYTES = "estimated_size_bytes";

    /** Added when the file is closed, after the ID's hash has taken the other properties. */
    static final Set<String> NOT_HASHED = Set.of(MIN_KEY, MAX_KEY, COUNT, ESTIMATED_SIZE_BYTES);

    private GravelerProperties() {
    }
}
