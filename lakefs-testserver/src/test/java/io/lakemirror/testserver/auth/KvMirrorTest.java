package io.lakemirror.testserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.Grants;
import io.lakemirror.auth.InMemoryLakeFsKv;
import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.auth.kv.KvCallerDirectory;
import io.lakemirror.lakefs.policy.Acl;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test server's users, written into lakeFS's KV format, read back by the service's KV reader. */
class KvMirrorTest {
    private static final String ENCRYPT = "test-server-encrypt-secret";
    private final InMemoryLakeFsKv kv = new InMemoryLakeFsKv();
    private final KvSink sink = new KvSink() {
        @Override
        public void put(String partition, byte[] key, byte[] value) {
            kv.put(partition, key, value);
        }

        @Override
        public void delete(String partition, byte[] key) {
            kv.delete(partition, new String(key, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public String describe() {
            return "in-memory KV";
        }
    };
    private final KvCallerDirectory reader = new KvCallerDirectory(kv, new Secret(ENCRYPT), Clock.systemUTC());
    private final List<KvMirror> mirrors = new ArrayList<>();

    @AfterEach
    void stopTheMirrorsWriters() {
        mirrors.forEach(KvMirror::close);
    }

    private AuthStore store(AuthFlavour flavour) {
        AuthStore store = new AuthStore(Clock.systemUTC());
        store.createUser(UserId.of("admin"), Optional.empty());
        store.createCredentials("admin", Optional.of("AKIAADMIN"), Optional.of("admin-secret"));
        KvMirror mirror = new KvMirror(sink, new Secret(ENCRYPT), flavour, Instant.now());
        mirrors.add(mirror);
        store.mirrorTo(mirror, "admin");
        return store;
    }

    @Test
    void rbacUsers_shouldBeReadBackWithTheirKeysAndPolicies() {
        AuthStore store = store(AuthFlavour.RBAC);
        store.createUser(UserId.of("replication"), Optional.empty());
        store.createCredentials("replication", Optional.of("AKIAREPL"), Optional.of("repl-secret"));
        store.createPolicy(Policy.of("ReplicationPolicy", Statement.allow("*", "fs:ReadRepository")));
        store.attachToUser("replication", "ReplicationPolicy");
        store.flushKv();

        assertThat(reader.flavour()).isEqualTo(AuthFlavour.RBAC);
        assertThat(reader.authenticate("AKIAREPL", new Secret("repl-secret"))).hasValueSatisfying(u ->
                assertThat(u.id()).isEqualTo(UserId.of("replication")));
        assertThat(reader.authenticate("AKIAREPL", new Secret("wrong"))).isEmpty();
        assertThat(((Grants.Policies) reader.grantsOf(UserId.of("replication"))).policies())
                .extracting(Policy::id).containsExactly("ReplicationPolicy");

        store.detachFromUser("replication", "ReplicationPolicy");
        store.deleteCredentials("replication", "AKIAREPL");
        store.flushKv();
        assertThat(reader.authenticate("AKIAREPL", new Secret("repl-secret"))).isEmpty();
        assertThat(((Grants.Policies) reader.grantsOf(UserId.of("replication"))).policies()).isEmpty();
    }

    @Test
    void simplifiedGroups_shouldBeReadAsTheirAclLevels() {
        AuthStore store = store(AuthFlavour.SIMPLIFIED);
        BuiltinPolicies.installAcl(store);
        store.createUser(UserId.of("reader"), Optional.empty());
        store.addMember(Acl.Level.READ.group(), "reader");
        store.flushKv();

        assertThat(reader.flavour()).isEqualTo(AuthFlavour.SIMPLIFIED);
        assertThat(((Grants.Policies) reader.grantsOf(UserId.of("reader"))).policies())
                .extracting(Policy::id).containsExactly("ACL(_-_)Readers");
    }

    @Test
    void ossLakeFs_shouldStoreOnlyItsOneUser_asTheBasicAuthService() {
        AuthStore store = store(AuthFlavour.BASIC);
        store.createUser(UserId.of("someone"), Optional.empty());
        store.createCredentials("someone", Optional.of("AKIASOMEONE"), Optional.of("someone-secret"));
        store.flushKv();

        assertThat(reader.flavour()).isEqualTo(AuthFlavour.BASIC);
        assertThat(reader.authenticate("AKIAADMIN", new Secret("admin-secret"))).isPresent();
        assertThat(reader.authenticate("AKIASOMEONE", new Secret("someone-secret"))).isEmpty();
        assertThat(reader.grantsOf(UserId.of("admin"))).isInstanceOf(Grants.Everything.class);
    }
}
