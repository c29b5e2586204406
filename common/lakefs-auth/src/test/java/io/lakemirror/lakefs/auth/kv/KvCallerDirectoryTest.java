package io.lakemirror.lakefs.auth.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.Grants;
import io.lakemirror.auth.InMemoryLakeFsKv;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.auth.crypt.SecretStore;
import io.lakemirror.lakefs.policy.Acl;
import io.lakemirror.lakefs.policy.PolicyEvaluator;
import io.lakemirror.lakefs.policy.Permission;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KvCallerDirectoryTest {
    private static final Secret ENCRYPT = new Secret("lakefs-encrypt-secret");
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
    private final InMemoryLakeFsKv kv = new InMemoryLakeFsKv();
    private final SecretStore secrets = new SecretStore(ENCRYPT);
    private final KvCallerDirectory directory = new KvCallerDirectory(kv, ENCRYPT, Clock.systemUTC());

    private void user(String partition, String keyName, String name, String accessKey, String secret) {
        kv.put(partition, KvLayout.user(keyName), KvRecords.encodeUser(name, T, Optional.empty()));
        kv.put(partition, KvLayout.credential(keyName, accessKey), KvRecords.encodeCredential(accessKey, secret, name, T, secrets));
    }

    private void policy(Policy p, Optional<Acl.Level> acl) {
        kv.put(KvLayout.AUTH, KvLayout.policy(p.id()), KvRecords.encodePolicy(p, T, acl));
    }

    private void attachToUser(String user, String policy) {
        kv.put(KvLayout.AUTH, KvLayout.userPolicy(user, policy), KvRecords.encodeIndex(KvLayout.policy(policy)));
    }

    private void member(String group, String user, String policy) {
        kv.put(KvLayout.AUTH, KvLayout.group(group), KvRecords.encodeGroup(group, T));
        kv.put(KvLayout.AUTH, KvLayout.groupUser(group, user), KvRecords.encodeIndex(KvLayout.user(user)));
        kv.put(KvLayout.AUTH, KvLayout.groupPolicy(group, policy), KvRecords.encodeIndex(KvLayout.policy(policy)));
    }

    @Test
    void authenticate_shouldFindTheUserOfAKey_andRefuseAWrongSecretOrUnknownKey() {
        user(KvLayout.AUTH, "alice", "alice", "AKIAALICE", "alice-secret");
        user(KvLayout.AUTH, "bob", "bob", "AKIABOB", "bob-secret");

        assertThat(directory.authenticate("AKIABOB", new Secret("bob-secret"))).hasValueSatisfying(u ->
                assertThat(u.id()).isEqualTo(UserId.of("bob")));
        assertThat(directory.authenticate("AKIABOB", new Secret("alice-secret"))).isEmpty();
        assertThat(directory.authenticate("AKIANOBODY", new Secret("bob-secret"))).isEmpty();
        assertThat(directory.flavour()).isEqualTo(AuthFlavour.RBAC);
    }

    @Test
    void grantsOf_shouldCollectOwnAndGroupPolicies() {
        user(KvLayout.AUTH, "alice", "alice", "AKIAALICE", "alice-secret");
        user(KvLayout.AUTH, "bob", "bob", "AKIABOB", "bob-secret");
        policy(Policy.of("ReplicationPolicy", Statement.allow("*", "fs:ReadRepository")), Optional.empty());
        policy(Policy.of("Mirrors", new Statement(Statement.Effect.DENY, List.of("fs:DeleteRepository"),
                "arn:lakefs:fs:::repository/*", java.util.Map.of("IpAddress", java.util.Map.of("SourceIp", List.of("10.0.0.0/8"))))),
                Optional.empty());
        policy(Policy.of("Others", Statement.allow("*", "fs:*")), Optional.empty());
        attachToUser("alice", "ReplicationPolicy");
        member("operators", "alice", "Mirrors");
        member("others", "bob", "Others");

        Grants grants = directory.grantsOf(UserId.of("alice"));

        assertThat(grants).isInstanceOf(Grants.Policies.class);
        List<Policy> policies = ((Grants.Policies) grants).policies();
        assertThat(policies).extracting(Policy::id).containsExactly("Mirrors", "ReplicationPolicy");
        assertThat(policies.get(0).statements().get(0).conditions()).containsKey("IpAddress");
        assertThat(directory.grantsOf(UserId.of("nobody"))).isEqualTo(new Grants.Policies(List.of()));
    }

    @Test
    void simplifiedLakeFs_shouldGiveAReaderListButNeverCreateOrDelete() {
        user(KvLayout.AUTH, "reader", "reader", "AKIAREADER", "reader-secret");
        // lakeFS's ACL server stores the level with the statements it derived; the level decides.
        policy(Acl.policy(Acl.Level.READ.group(), Acl.Level.READ), Optional.of(Acl.Level.READ));
        member("Readers", "reader", Acl.policyName("Readers"));

        List<Policy> policies = ((Grants.Policies) directory.grantsOf(UserId.of("reader"))).policies();

        assertThat(directory.flavour()).isEqualTo(AuthFlavour.SIMPLIFIED);
        UserId reader = UserId.of("reader");
        assertThat(PolicyEvaluator.check(policies, reader, Permission.of("fs:ListRepositories", "*")).allowed()).isTrue();
        assertThat(PolicyEvaluator.check(policies, reader, Permission.of("fs:CreateRepository", "arn:lakefs:fs:::repository/m")).allowed()).isFalse();
        assertThat(PolicyEvaluator.check(policies, reader, Permission.of("fs:DeleteRepository", "arn:lakefs:fs:::repository/m")).allowed()).isFalse();
        assertThat(PolicyEvaluator.check(policies, reader, Permission.of("fs:MirrorRepository", "arn:lakefs:fs:::repository/s")).allowed()).isFalse();
    }

    @Test
    void basicLakeFs_shouldBeDetectedFromTheDatabase_andAllowItsOneUserEverything() {
        user(KvLayout.BASIC_AUTH, KvLayout.SUPER_ADMIN, "admin", "AKIAADMIN", "admin-secret");
        kv.put(KvLayout.AUTH, KvLayout.setupAuth("none"), "2026-01-02T03:04:05Z".getBytes());

        assertThat(directory.flavour()).isEqualTo(AuthFlavour.BASIC);
        assertThat(directory.authenticate("AKIAADMIN", new Secret("admin-secret"))).hasValueSatisfying(u ->
                assertThat(u.id()).isEqualTo(UserId.of("admin")));
        assertThat(directory.authenticate("AKIAADMIN", new Secret("wrong"))).isEmpty();
        assertThat(directory.grantsOf(UserId.of("admin"))).isInstanceOf(Grants.Everything.class);
    }

    @Test
    void basicUserLeftBehind_shouldNotMeanEverything_whenLakeFsWasSetUpWithRbacSince() {
        user(KvLayout.BASIC_AUTH, KvLayout.SUPER_ADMIN, "admin", "AKIAADMIN", "admin-secret");
        kv.put(KvLayout.AUTH, KvLayout.setupAuth("external"), "2026-01-02T03:04:05Z".getBytes());

        assertThat(directory.flavour()).isEqualTo(AuthFlavour.RBAC);
        assertThat(directory.grantsOf(UserId.of("admin"))).isEqualTo(new Grants.Policies(List.of()));
    }

    @Test
    void authenticate_shouldFailLoudly_whenTheEncryptSecretKeyIsNotLakeFss() {
        user(KvLayout.AUTH, "alice", "alice", "AKIAALICE", "alice-secret");
        KvCallerDirectory wrongKey = new KvCallerDirectory(kv, new Secret("not-lakefs-secret"), Clock.systemUTC());

        assertThatThrownBy(() -> wrongKey.authenticate("AKIAALICE", new Secret("alice-secret")))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("auth.encrypt.secret_key");
    }
}
