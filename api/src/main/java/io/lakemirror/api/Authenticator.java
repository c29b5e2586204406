package io.lakemirror.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.lakefs.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Checks lakeFS access keys against this region's lakeFS (HTTP Basic credentials of API callers).
 * Successful checks may be cached ({@code auth.cache.*}); failures never are, so a fixed key works
 * at once. The cache key holds a digest of the secret, never the secret.
 */
public final class Authenticator {
    /** lakeFS's message for missing or wrong credentials. */
    public static final String UNAUTHENTICATED = "error authenticating request";

    /** Asks lakeFS who owns a key pair; empty when lakeFS does not accept it. */
    @FunctionalInterface
    public interface CredentialsCheck {
        Optional<User> userOf(String accessKeyId, Secret secretAccessKey);
    }

    private final CredentialsCheck check;
    private final Optional<Cache<String, User>> cache;

    public Authenticator(CredentialsCheck check, boolean cacheEnabled, int cacheSize, Duration cacheTtl) {
        this.check = check;
        this.cache = cacheEnabled
                ? Optional.of(Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build())
                : Optional.empty();
    }

    /**
     * @throws AuthenticationException when the credentials are missing or lakeFS rejects them
     */
    public Caller authenticate(Optional<String> accessKeyId, Optional<Secret> secretAccessKey) {
        if (accessKeyId.isEmpty() || secretAccessKey.isEmpty() || accessKeyId.get().isEmpty()) {
            throw new AuthenticationException(UNAUTHENTICATED);
        }
        String key = accessKeyId.get() + ":" + digest(secretAccessKey.get().reveal());
        Optional<User> cached = cache.map(c -> c.getIfPresent(key));
        if (cached.isPresent()) {
            return new Caller(cached.get(), accessKeyId.get());
        }
        User user = check.userOf(accessKeyId.get(), secretAccessKey.get())
                .orElseThrow(() -> new AuthenticationException(UNAUTHENTICATED));
        cache.ifPresent(c -> c.put(key, user));
        return new Caller(user, accessKeyId.get());
    }

    private static String digest(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
