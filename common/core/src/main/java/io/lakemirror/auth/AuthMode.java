package io.lakemirror.auth;

import io.lakemirror.domain.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where the API reads callers' credentials and policies ({@code auth.mode}, docs/operations.md "Authentication
 * modes"). The default follows lakeFS Enterprise's replication service: the auth service when
 * {@code auth.api.endpoint} is set, lakeFS's database otherwise.
 */
public enum AuthMode {
    /** lakeFS's external auth service ({@code api/authorization.yml}) at {@code auth.api.endpoint}, called with a JWT. */
    AUTH_SERVICE("auth_service"),
    /** lakeFS's own database ({@code database.*}): users, credentials, groups and policies in lakeFS's KV layout. */
    KV("kv"),
    /** lakeFS's REST API ({@code GET /user}, policy listings): needs {@code auth:ReadUser} for the replication user. */
    LAKEFS_API("lakefs_api");

    private final String wire;

    AuthMode(String wire) {
        this.wire = wire;
    }

    /** The configuration value ({@code auth_service}, {@code kv}, {@code lakefs_api}). */
    public String wire() {
        return wire;
    }

    public static AuthMode fromWire(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.wire.equals(v)).findFirst()
                .orElseThrow(() -> new InvalidInputException("auth mode \"" + value + "\" is not one of "
                        + Arrays.stream(values()).map(AuthMode::wire).toList()));
    }

    @Override
    public String toString() {
        return wire;
    }
}
