package io.lakemirror.testserver.auth;

import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.policy.Acl;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Users, their access keys, groups and policies, kept in memory. Every method is short and
 * synchronized (no I/O), so the event loop may call it.
 */
public final class AuthStore {
    private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] SECRET_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    /** A user. */
    public record UserRecord(UserId id, Instant creationDate, Optional<String> email, Optional<String> friendlyName) {
        /** lakeFS's committer for this user: the email when set, else the name. */
        public String committer() {
            return email.filter(e -> !e.isEmpty()).orElse(id.value());
        }
    }

    /** An access key of a user. */
    public record Credential(String accessKeyId, String secretAccessKey, UserId user, Instant creationDate) {
        @Override
        public String toString() {
            return "Credential[" + accessKeyId + " of " + user + "]";
        }
    }

    /** A group of users. */
    public record Group(String id, Instant creationDate) {
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final TreeMap<String, UserRecord> users = new TreeMap<>();
    private final Map<String, Credential> credentials = new LinkedHashMap<>();
    private final TreeMap<String, Policy> policies = new TreeMap<>();
    private final TreeMap<String, Group> groups = new TreeMap<>();
    private final Map<String, Set<String>> userPolicies = new LinkedHashMap<>();
    private final Map<String, Set<String>> groupPolicies = new LinkedHashMap<>();
    private final Map<String, Set<String>> groupMembers = new LinkedHashMap<>();
    private final Map<String, Acl.Level> policyAcls = new LinkedHashMap<>();
    private Optional<KvMirror> kv = Optional.empty();
    private String installationUser = "";

    public AuthStore(Clock clock) {
        this.clock = clock;
    }

    /**
     * From now on, writes every change into lakeFS's KV too, starting with what the store holds;
     * {@code installationUserId} is the one user OSS lakeFS stores.
     */
    public synchronized void mirrorTo(KvMirror mirror, String installationUserId) {
        this.kv = Optional.of(mirror);
        this.installationUser = installationUserId;
        users.values().forEach(u -> mirror.user(u, u.id().value().equals(installationUser)));
        credentials.values().forEach(c -> mirror.credential(c, c.user().value().equals(installationUser)));
        policies.values().forEach(p -> mirror.policy(p, Optional.ofNullable(policyAcls.get(p.id()))));
        groups.values().forEach(g -> mirror.group(g, true));
        userPolicies.forEach((u, ps) -> ps.forEach(p -> mirror.userPolicy(u, p, true)));
        groupPolicies.forEach((g, ps) -> ps.forEach(p -> mirror.groupPolicy(g, p, true)));
        groupMembers.forEach((g, us) -> us.forEach(u -> mirror.member(g, u, true)));
    }

    /** Waits until lakeFS's KV holds every change so far (no-op without one). */
    public void flushKv() {
        Optional<KvMirror> mirror;
        synchronized (this) {
            mirror = kv;
        }
        mirror.ifPresent(KvMirror::flush);
    }

    /** The ACL level of a simplified-mode policy, if it is one. */
    public synchronized Optional<Acl.Level> aclOf(String policyId) {
        return Optional.ofNullable(policyAcls.get(policyId));
    }

    /** Creates the policy lakeFS keeps for a simplified-mode group's ACL. */
    public synchronized Policy createAclPolicy(String group, Acl.Level level) {
        Policy p = Acl.policy(group, level);
        policyAcls.put(p.id(), level);
        return createPolicy(p);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    // ---- users and credentials

    public synchronized UserRecord createUser(UserId id, Optional<String> email) {
        if (users.containsKey(id.value())) {
            throw LakeFsError.notUnique("user");
        }
        UserRecord user = new UserRecord(id, now(), email, Optional.empty());
        users.put(id.value(), user);
        kv.ifPresent(m -> m.user(user, id.value().equals(installationUser)));
        return user;
    }

    public synchronized UserRecord user(String id) {
        UserRecord u = users.get(id);
        if (u == null) {
            throw LakeFsError.notFound("user not found");
        }
        return u;
    }

    public synchronized Paged<UserRecord> listUsers(String prefix, String after, int amount) {
        return Paged.of(new TreeMap<>(users), prefix, after, amount);
    }

    public synchronized void deleteUser(String id) {
        user(id);
        users.remove(id);
        credentials.values().removeIf(c -> c.user().value().equals(id));
        userPolicies.remove(id);
        groupMembers.values().forEach(m -> m.remove(id));
        kv.ifPresent(m -> m.userDeleted(id));
    }

    /** Adds an access key; generated like lakeFS's when not given. */
    public synchronized Credential createCredentials(String userId, Optional<String> accessKeyId,
                                                     Optional<String> secretAccessKey) {
        UserRecord user = user(userId);
        String key = accessKeyId.orElseGet(() -> "AKIAJ" + randomString(KEY_CHARS, 15));
        if (credentials.containsKey(key)) {
            throw LakeFsError.notUnique("credentials");
        }
        Credential c = new Credential(key, secretAccessKey.orElseGet(() -> randomString(SECRET_CHARS, 40)),
                user.id(), now());
        credentials.put(key, c);
        kv.ifPresent(m -> m.credential(c, userId.equals(installationUser)));
        return c;
    }

    public synchronized List<Credential> credentialsOf(String userId) {
        user(userId);
        return credentials.values().stream().filter(c -> c.user().value().equals(userId))
                .sorted((a, b) -> a.accessKeyId().compareTo(b.accessKeyId())).toList();
    }

    public synchronized void deleteCredentials(String userId, String accessKeyId) {
        Credential c = credentials.get(accessKeyId);
        if (c == null || !c.user().value().equals(userId)) {
            throw LakeFsError.notFound("credentials not found");
        }
        credentials.remove(accessKeyId);
        kv.ifPresent(m -> m.credentialDeleted(userId, accessKeyId));
    }

    /** The stored credential of an access key, with its secret (the auth service contract returns it). */
    public synchronized Optional<Credential> credential(String accessKeyId) {
        return Optional.ofNullable(credentials.get(accessKeyId));
    }

    /** The user of a key pair; empty when the key is unknown or the secret wrong. */
    public synchronized Optional<UserRecord> authenticate(String accessKeyId, String secretAccessKey) {
        Credential c = credentials.get(accessKeyId);
        if (c == null || !MessageDigest.isEqual(c.secretAccessKey().getBytes(StandardCharsets.UTF_8),
                secretAccessKey.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.ofNullable(users.get(c.user().value()));
    }

    // ---- policies

    public synchronized Policy createPolicy(Policy policy) {
        if (policies.containsKey(policy.id())) {
            throw LakeFsError.notUnique("policy");
        }
        Policy stored = new Policy(policy.id(), Optional.of(now()), policy.statements());
        policies.put(policy.id(), stored);
        kv.ifPresent(m -> m.policy(stored, Optional.ofNullable(policyAcls.get(stored.id()))));
        return stored;
    }

    public synchronized Policy updatePolicy(Policy policy) {
        Policy existing = policy(policy.id());
        Policy stored = new Policy(policy.id(), existing.creationDate(), policy.statements());
        policies.put(policy.id(), stored);
        kv.ifPresent(m -> m.policy(stored, Optional.ofNullable(policyAcls.get(stored.id()))));
        return stored;
    }

    public synchronized Policy policy(String id) {
        Policy p = policies.get(id);
        if (p == null) {
            throw LakeFsError.notFound("policy not found");
        }
        return p;
    }

    public synchronized Paged<Policy> listPolicies(String prefix, String after, int amount) {
        return Paged.of(new TreeMap<>(policies), prefix, after, amount);
    }

    public synchronized void deletePolicy(String id) {
        policy(id);
        policies.remove(id);
        userPolicies.forEach((u, ps) -> {
            if (ps.remove(id)) {
                kv.ifPresent(m -> m.userPolicy(u, id, false));
            }
        });
        groupPolicies.forEach((g, ps) -> {
            if (ps.remove(id)) {
                kv.ifPresent(m -> m.groupPolicy(g, id, false));
            }
        });
        kv.ifPresent(m -> m.policyDeleted(id));
    }

    public synchronized void attachToUser(String userId, String policyId) {
        user(userId);
        policy(policyId);
        userPolicies.computeIfAbsent(userId, k -> new TreeSet<>()).add(policyId);
        kv.ifPresent(m -> m.userPolicy(userId, policyId, true));
    }

    public synchronized void detachFromUser(String userId, String policyId) {
        user(userId);
        if (!userPolicies.getOrDefault(userId, Set.of()).contains(policyId)) {
            throw LakeFsError.notFound("policy not found");
        }
        userPolicies.get(userId).remove(policyId);
        kv.ifPresent(m -> m.userPolicy(userId, policyId, false));
    }

    /**
     * The user's policies by name: attached to the user, or with {@code effective} also through
     * its groups (each once).
     */
    public synchronized NavigableMap<String, Policy> policiesOf(String userId, boolean effective) {
        user(userId);
        TreeMap<String, Policy> out = new TreeMap<>();
        userPolicies.getOrDefault(userId, Set.of()).forEach(p -> out.put(p, policies.get(p)));
        if (effective) {
            groupMembers.forEach((group, members) -> {
                if (members.contains(userId)) {
                    groupPolicies.getOrDefault(group, Set.of()).forEach(p -> out.put(p, policies.get(p)));
                }
            });
        }
        return out;
    }

    /** Every policy that applies to the user, for authorization. */
    public synchronized List<Policy> effectivePolicies(UserId user) {
        return users.containsKey(user.value()) ? new ArrayList<>(policiesOf(user.value(), true).values()) : List.of();
    }

    // ---- groups

    public synchronized Group createGroup(String id) {
        if (groups.containsKey(id)) {
            throw LakeFsError.notUnique("group");
        }
        Group g = new Group(id, now());
        groups.put(id, g);
        kv.ifPresent(m -> m.group(g, true));
        return g;
    }

    public synchronized Group group(String id) {
        Group g = groups.get(id);
        if (g == null) {
            throw LakeFsError.notFound("group not found");
        }
        return g;
    }

    public synchronized Paged<Group> listGroups(String prefix, String after, int amount) {
        return Paged.of(new TreeMap<>(groups), prefix, after, amount);
    }

    public synchronized void deleteGroup(String id) {
        Group deleted = group(id);
        groupMembers.getOrDefault(id, Set.of()).forEach(u -> kv.ifPresent(m -> m.member(id, u, false)));
        groupPolicies.getOrDefault(id, Set.of()).forEach(p -> kv.ifPresent(m -> m.groupPolicy(id, p, false)));
        kv.ifPresent(m -> m.group(deleted, false));
        groups.remove(id);
        groupMembers.remove(id);
        groupPolicies.remove(id);
    }

    public synchronized void addMember(String groupId, String userId) {
        group(groupId);
        user(userId);
        groupMembers.computeIfAbsent(groupId, k -> new TreeSet<>()).add(userId);
        kv.ifPresent(m -> m.member(groupId, userId, true));
    }

    public synchronized void removeMember(String groupId, String userId) {
        group(groupId);
        if (!groupMembers.getOrDefault(groupId, Set.of()).remove(userId)) {
            throw LakeFsError.notFound("user not found");
        }
        kv.ifPresent(m -> m.member(groupId, userId, false));
    }

    public synchronized List<UserRecord> members(String groupId) {
        group(groupId);
        return groupMembers.getOrDefault(groupId, Set.of()).stream().map(users::get).toList();
    }

    public synchronized List<Group> groupsOf(String userId) {
        user(userId);
        List<Group> out = new ArrayList<>();
        groupMembers.forEach((g, members) -> {
            if (members.contains(userId)) {
                out.add(groups.get(g));
            }
        });
        return out;
    }

    public synchronized void attachToGroup(String groupId, String policyId) {
        group(groupId);
        policy(policyId);
        groupPolicies.computeIfAbsent(groupId, k -> new TreeSet<>()).add(policyId);
        kv.ifPresent(m -> m.groupPolicy(groupId, policyId, true));
    }

    public synchronized void detachFromGroup(String groupId, String policyId) {
        group(groupId);
        if (!groupPolicies.getOrDefault(groupId, Set.of()).remove(policyId)) {
            throw LakeFsError.notFound("policy not found");
        }
        kv.ifPresent(m -> m.groupPolicy(groupId, policyId, false));
    }

    public synchronized NavigableMap<String, Policy> policiesOfGroup(String groupId) {
        group(groupId);
        TreeMap<String, Policy> out = new TreeMap<>();
        groupPolicies.getOrDefault(groupId, Set.of()).forEach(p -> out.put(p, policies.get(p)));
        return out;
    }

    private String randomString(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
