package io.lakemirror.lakefs.auth.kv;

import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.CallerDirectory;
import io.lakemirror.auth.Grants;
import io.lakemirror.auth.LakeFsKv;
import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.auth.crypt.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callers and their policies read from lakeFS's own database ({@code auth.mode kv}), in lakeFS's KV layout
 * ({@link KvLayout}), secrets decrypted with {@code auth.encrypt.secret_key} ({@link SecretStore}).
 *
 * <p>The flavour comes from the database, never from an HTTP status: {@link AuthFlavour#BASIC} when the basic
 * auth service's single user ({@code basicAuth}/{@code users/superAdmin}) exists and lakeFS was not set up with
 * another {@code auth.ui_config.rbac} since ({@code installation_metadata/setup_auth_*}); otherwise
 * {@link AuthFlavour#SIMPLIFIED} when a policy carries an ACL level, else {@link AuthFlavour#RBAC}. It is
 * re-read every {@link #FLAVOUR_TTL}.
 */
public final class KvCallerDirectory implements CallerDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(KvCallerDirectory.class);
    /** How long a detected flavour is trusted before the database is read again. */
    public static final Duration FLAVOUR_TTL = Duration.ofSeconds(30);
    private static final int PAGE = 1000;

    private final LakeFsKv kv;
    private final SecretStore secrets;
    private final Clock clock;
    private volatile AuthFlavour flavour;
    private volatile Instant flavourRead = Instant.MIN;

    public KvCallerDirectory(LakeFsKv kv, Secret encryptSecretKey, Clock clock) {
        this.kv = kv;
        this.secrets = new SecretStore(encryptSecretKey);
        this.clock = clock;
    }

    @Override
    public Optional<User> authenticate(String accessKeyId, Secret secretAccessKey) {
        Optional<KvRecords.StoredCredential> credential = flavour() == AuthFlavour.BASIC
                ? kv.get(KvLayout.BASIC_AUTH, KvLayout.credential(KvLayout.SUPER_ADMIN, accessKeyId))
                        .map(v -> KvRecords.credential(v, KvLayout.BASIC_AUTH + " credential " + accessKeyId))
                : findCredential(accessKeyId);
        if (credential.isEmpty()) {
            LOG.trace("access key {} is not in lakeFS's database ({})", accessKeyId, kv.describe());
            return Optional.empty();
        }
        byte[] stored = secrets.decrypt(credential.get().encryptedSecret());
        if (!MessageDigest.isEqual(stored, secretAccessKey.reveal().getBytes(StandardCharsets.UTF_8))) {
            LOG.trace("access key {}: the secret does not match", accessKeyId);
            return Optional.empty();
        }
        return flavour() == AuthFlavour.BASIC
                ? kv.get(KvLayout.BASIC_AUTH, KvLayout.user(KvLayout.SUPER_ADMIN))
                        .map(v -> KvRecords.user(v, KvLayout.BASIC_AUTH + " users/" + KvLayout.SUPER_ADMIN))
                : kv.get(KvLayout.AUTH, KvLayout.user(credential.get().user()))
                        .map(v -> KvRecords.user(v, "users/" + credential.get().user()));
    }

    /** lakeFS finds a key by its user; every credential is listed under {@code uCredentials/}, so one scan finds it. */
    private Optional<KvRecords.StoredCredential> findCredential(String accessKeyId) {
        byte[] suffix = ("/credentials/" + accessKeyId).getBytes(StandardCharsets.UTF_8);
        List<KvRecords.StoredCredential> found = new ArrayList<>();
        forEach(KvLayout.AUTH, KvLayout.credentialsPrefix(), e -> {
            if (endsWith(e.key(), suffix)) {
                KvRecords.StoredCredential c = KvRecords.credential(e.value(), KvLayout.text(e.key()));
                if (c.accessKeyId().equals(accessKeyId)) {
                    found.add(c);
                }
            }
        });
        return found.stream().findFirst();
    }

    @Override
    public Grants grantsOf(UserId user) {
        if (flavour() == AuthFlavour.BASIC) {
            return new Grants.Everything("lakeFS's database holds the basic auth service's single user (OSS lakeFS)");
        }
        if (kv.get(KvLayout.AUTH, KvLayout.user(user.value())).isEmpty()) {
            return new Grants.Policies(List.of());
        }
        TreeMap<String, Policy> policies = new TreeMap<>();
        attachedPolicies(KvLayout.userPoliciesPrefix(user.value()), policies);
        byte[] membership = ("/users/" + user.value()).getBytes(StandardCharsets.UTF_8);
        List<String> groups = new ArrayList<>();
        forEach(KvLayout.AUTH, KvLayout.groupUsersPrefix(), e -> {
            if (endsWith(e.key(), membership)) {
                String key = KvLayout.text(e.key());
                groups.add(key.substring("gUsers/".length(), key.length() - membership.length));
            }
        });
        groups.forEach(g -> attachedPolicies(KvLayout.groupPoliciesPrefix(g), policies));
        return new Grants.Policies(List.copyOf(policies.values()));
    }

    private void attachedPolicies(byte[] prefix, Map<String, Policy> into) {
        forEach(KvLayout.AUTH, prefix, e -> {
            byte[] target = KvRecords.primaryKey(e.value(), KvLayout.text(e.key()));
            kv.get(KvLayout.AUTH, target).flatMap(v -> KvRecords.policy(v, KvLayout.text(target)))
                    .ifPresent(p -> into.put(p.id(), p));
        });
    }

    @Override
    public AuthFlavour flavour() {
        Instant now = clock.instant();
        if (flavour == null || now.isAfter(flavourRead.plus(FLAVOUR_TTL))) {
            AuthFlavour detected = detect();
            if (detected != flavour) {
                LOG.info("lakeFS's database ({}) shows lakeFS authorizing with {}", kv.describe(), detected.description());
            }
            flavour = detected;
            flavourRead = now;
        }
        return flavour;
    }

    private AuthFlavour detect() {
        List<String> setups = new ArrayList<>();
        forEach(KvLayout.AUTH, KvLayout.setupAuthPrefix(),
                e -> setups.add(KvLayout.text(e.key()).substring(KvLayout.SETUP_AUTH_PREFIX.length())));
        boolean basicUser = kv.get(KvLayout.BASIC_AUTH, KvLayout.user(KvLayout.SUPER_ADMIN)).isPresent();
        boolean setUpOtherwise = setups.stream().anyMatch(s -> !s.equals("none"));
        if (basicUser && !setUpOtherwise) {
            return AuthFlavour.BASIC;
        }
        if (basicUser) {
            LOG.warn("lakeFS's database holds a basic-auth user and was set up with auth.ui_config.rbac {}: treating it"
                    + " as {}, so the basic user gets no blanket permission", setups, "not basic");
        }
        boolean[] acl = {false};
        forEach(KvLayout.AUTH, KvLayout.path("policies", ""), e -> acl[0] |= KvRecords.isAcl(e.value(), KvLayout.text(e.key())));
        return acl[0] || setups.contains("simplified") ? AuthFlavour.SIMPLIFIED : AuthFlavour.RBAC;
    }

    private void forEach(String partition, byte[] prefix, Consumer<LakeFsKv.Entry> action) {
        Optional<byte[]> after = Optional.empty();
        while (true) {
            List<LakeFsKv.Entry> page = kv.scan(partition, prefix, after, PAGE);
            page.forEach(action);
            if (page.size() < PAGE) {
                return;
            }
            after = Optional.of(page.get(page.size() - 1).key());
        }
    }

    private static boolean endsWith(byte[] key, byte[] suffix) {
        return key.length >= suffix.length
                && Arrays.equals(key, key.length - suffix.length, key.length, suffix, 0, suffix.length);
    }

    @Override
    public String describe() {
        return "kv: lakeFS's database, " + kv.describe();
    }

    @Override
    public void close() {
        kv.close();
    }
}
