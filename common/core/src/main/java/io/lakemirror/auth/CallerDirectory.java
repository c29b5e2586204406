package io.lakemirror.auth;

import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import java.util.Optional;

/**
 * The users, access keys and permissions of one lakeFS installation, as lakeFS itself sees them. One
 * adapter per {@link AuthMode}. Implementations are thread-safe and do blocking I/O (never call them
 * on an event loop).
 *
 * <p>Failures: an unreachable or failing source is a {@code RetryableException} (the API answers 503,
 * never 401 or 403); data that cannot be decoded is a {@code CorruptDataException}.
 */
public interface CallerDirectory extends AutoCloseable {

    /**
     * The user who owns this key pair; empty when the key is unknown or the secret does not match
     * (compared in constant time).
     */
    Optional<User> authenticate(String accessKeyId, Secret secretAccessKey);

    /** What {@code user} may do: effective policies, or everything on OSS lakeFS. */
    Grants grantsOf(UserId user);

    /** How the installation authorizes, as far as this directory established it. */
    AuthFlavour flavour();

    /** The mode and where it reads, for logs and the sandbox ("auth service at http://…", "KV: DynamoDB table kvstore"). */
    String describe();

    @Override
    default void close() {
    }
}
