package io.lakemirror.auth;

import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link CallerDirectory} in memory, for unit tests: users with keys, policies per user, a chosen flavour. */
public final class InMemoryCallerDirectory implements CallerDirectory {
    private record Key(String secret, UserId user) {
    }

    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<UserId, List<Policy>> policies = new ConcurrentHashMap<>();
    private volatile AuthFlavour flavour;

    public InMemoryCallerDirectory(AuthFlavour flavour) {
        this.flavour = flavour;
    }

    public InMemoryCallerDirectory addUser(String user, String accessKeyId, String secretAccessKey) {
        keys.put(accessKeyId, new Key(secretAccessKey, UserId.of(user)));
        return this;
    }

    /** Replaces the user's policies. */
    public InMemoryCallerDirectory usePolicies(UserId user, List<Policy> list) {
        policies.put(user, List.copyOf(list));
        return this;
    }

    public void flavour(AuthFlavour newFlavour) {
        this.flavour = newFlavour;
    }

    @Override
    public Optional<User> authenticate(String accessKeyId, Secret secretAccessKey) {
        Key k = keys.get(accessKeyId);
        if (k == null || !MessageDigest.isEqual(k.secret().getBytes(StandardCharsets.UTF_8),
                secretAccessKey.reveal().getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(new User(k.user(), Instant.EPOCH, Optional.empty(), Optional.empty()));
    }

    @Override
    public Grants grantsOf(UserId user) {
        return flavour == AuthFlavour.BASIC ? new Grants.Everything("in-memory basic lakeFS")
                : new Grants.Policies(policies.getOrDefault(user, List.of()));
    }

    @Override
    public AuthFlavour flavour() {
        return flavour;
    }

    @Override
    public String describe() {
        return "in-memory directory";
    }
}
