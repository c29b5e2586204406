package io.lakemirror.testserver.auth;

import io.lakemirror.testserver.model.LakeFsError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * lakeFS's HTTP Basic authentication with access keys: no {@code Authorization} header means "no
 * user" (the request goes on, and handlers that need one answer 401); a header that does not name
 * a valid key pair is refused at once.
 */
public final class Authenticator {
    private final AuthStore store;

    public Authenticator(AuthStore store) {
        this.store = store;
    }

    public Optional<AuthStore.UserRecord> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return Optional.empty();
        }
        String[] parts = authorizationHeader.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
            throw LakeFsError.unauthenticated();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LakeFsError.unauthenticated();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw LakeFsError.unauthenticated();
        }
        return Optional.of(store.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
                .orElseThrow(LakeFsError::unauthenticated));
    }
}
