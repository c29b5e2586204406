package io.lakemirror.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lakemirror.auth.CallerDirectory;
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
 * Checks the HTTP Basic lakeFS keys of API callers against this region's {@link CallerDirectory} (lakeFS's auth
 * service, its database, or its REST API: docs/architecture.md §7). Successful checks may be cached
 * ({@code auth.cache.*}); failures never are, so a fixed key works at once. The cache key holds a digest of the
 * secret, never the secret. A directory that cannot answer fails with its own (retryable) error, never a 401.
 */
public final class Authenticator {
    /** lakeFS's message for missing or wrong credentials. */
    public static final String UNAUTHENTICATED = "error authenticating request";

    private final CallerDirectory directory;
    private final Optional<Cache<String, User>> cache;

    public Authenticator(CallerDirectory directory, boolean cacheEnabled, int cacheSize, Duration cacheTtl) {
        this.directory = directory;
        this.cache = cacheEnabled
                ? Optional.of(Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).build())
                : Optional.empty();
    }

    /**
     * @throws AuthenticationException when the credentials are missing or lakeFS does not know them
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
        User user = directory.authenticate(accessKeyId.get(), secretAccessKey.get())
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
