package io.lakemirror.testserver.auth;

import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.auth.crypt.SecretStore;
import io.lakemirror.lakefs.auth.kv.KvLayout;
import io.lakemirror.lakefs.auth.kv.KvRecords;
import io.lakemirror.lakefs.policy.Acl;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every change of the {@link AuthStore} into a lakeFS KV in lakeFS's own format (docs/design/lakefs-facts.md
 * §5.2), as lakeFS would: secrets encrypted with {@code auth.encrypt.secret_key}; under {@code basicAuth} with the
 * one user as {@code users/superAdmin} for OSS lakeFS, under {@code auth} otherwise; simplified-mode policies with
 * their ACL level; the setup marker {@code installation_metadata/setup_auth_<rbac>}. Writes run in order on one
 * thread, off the event loop; {@link #flush()} waits for them.
 */
public final class KvMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvMirror.class);

    private final KvSink sink;
    private final SecretStore secrets;
    private final AuthFlavour flavour;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lakefs-testserver-kv");
        t.setDaemon(true);
        return t;
    });
    private volatile Future<?> last;

    public KvMirror(KvSink sink, Secret encryptSecretKey, AuthFlavour flavour, Instant setUpAt) {
        this.sink = sink;
        this.secrets = new SecretStore(encryptSecretKey);
        this.flavour = flavour;
        String rbac = switch (flavour) {
            case BASIC -> "none";
            case SIMPLIFIED -> "simplified";
            case RBAC -> "external";
        };
        write(() -> sink.put(KvLayout.AUTH, KvLayout.setupAuth(rbac), setUpAt.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private void write(Runnable change) {
        last = writer.submit(() -> {
            try {
                change.run();
            } catch (RuntimeException e) {
                LOG.error("lakeFS test server: writing an auth record to {} failed", sink.describe(), e);
                throw e;
            }
        });
    }

    /** Waits until every change so far is written. */
    public void flush() {
        Future<?> f = last;
        if (f == null) {
            return;
        }
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("auth records did not reach " + sink.describe() + ": " + e, e);
        }
    }

    /** In basic mode only the installation's one user is stored, under {@code basicAuth}. */
    private String partition() {
        return flavour == AuthFlavour.BASIC ? KvLayout.BASIC_AUTH : KvLayout.AUTH;
    }

    private String keyName(String user) {
        return flavour == AuthFlavour.BASIC ? KvLayout.SUPER_ADMIN : user;
    }

    void user(AuthStore.UserRecord u, boolean installationUser) {
        if (flavour == AuthFlavour.BASIC && !installationUser) {
            return;
        }
        byte[] value = KvRecords.encodeUser(u.id().value(), u.creationDate(), u.email());
        write(() -> sink.put(partition(), KvLayout.user(keyName(u.id().value())), value));
    }

    void userDeleted(String user) {
        if (flavour != AuthFlavour.BASIC) {
            write(() -> sink.delete(KvLayout.AUTH, KvLayout.user(user)));
        }
    }

    void credential(AuthStore.Credential c, boolean installationUser) {
        if (flavour == AuthFlavour.BASIC && !installationUser) {
            return;
        }
        byte[] value = KvRecords.encodeCredential(c.accessKeyId(), c.secretAccessKey(), c.user().value(), c.creationDate(), secrets);
        write(() -> sink.put(partition(), KvLayout.credential(keyName(c.user().value()), c.accessKeyId()), value));
    }

    void credentialDeleted(String user, String accessKeyId) {
        write(() -> sink.delete(partition(), KvLayout.credential(keyName(user), accessKeyId)));
    }

    void policy(Policy p, Optional<Acl.Level> acl) {
        if (flavour == AuthFlavour.BASIC) {
            return;
        }
        byte[] value = KvRecords.encodePolicy(p, p.creationDate().orElse(Instant.EPOCH), acl);
        write(() -> sink.put(KvLayout.AUTH, KvLayout.policy(p.id()), value));
    }

    void policyDeleted(String policy) {
        write(() -> sink.delete(KvLayout.AUTH, KvLayout.policy(policy)));
    }

    void userPolicy(String user, String policy, boolean attached) {
        if (flavour == AuthFlavour.BASIC) {
            return;
        }
        byte[] key = KvLayout.userPolicy(user, policy);
        byte[] value = KvRecords.encodeIndex(KvLayout.policy(policy));
        putOrDelete(key, value, attached);
    }

    void group(AuthStore.Group g, boolean exists) {
        if (flavour == AuthFlavour.BASIC) {
            return;
        }
        byte[] value = KvRecords.encodeGroup(g.id(), g.creationDate());
        putOrDelete(KvLayout.group(g.id()), value, exists);
    }

    void member(String group, String user, boolean member) {
        if (flavour == AuthFlavour.BASIC) {
            return;
        }
        byte[] key = KvLayout.groupUser(group, user);
        byte[] value = KvRecords.encodeIndex(KvLayout.user(user));
        putOrDelete(key, value, member);
    }

    void groupPolicy(String group, String policy, boolean attached) {
        if (flavour == AuthFlavour.BASIC) {
            return;
        }
        byte[] key = KvLayout.groupPolicy(group, policy);
        byte[] value = KvRecords.encodeIndex(KvLayout.policy(policy));
        putOrDelete(key, value, attached);
    }

    /** Writes an auth record that exists ({@code present}) or removes it, as lakeFS keeps only what exists. */
    private void putOrDelete(byte[] key, byte[] value, boolean present) {
        write(() -> {
            if (present) {
                sink.put(KvLayout.AUTH, key, value);
            } else {
                sink.delete(KvLayout.AUTH, key);
            }
        });
    }

    public String describe() {
        return sink.describe();
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
