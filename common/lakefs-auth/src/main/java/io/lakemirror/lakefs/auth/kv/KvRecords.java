package io.lakemirror.lakefs.auth.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Statement;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.lakefs.auth.crypt.SecretStore;
import io.lakemirror.lakefs.auth.kv.proto.ACLData;
import io.lakemirror.lakefs.auth.kv.proto.ConditionOperator;
import io.lakemirror.lakefs.auth.kv.proto.CredentialData;
import io.lakemirror.lakefs.auth.kv.proto.GroupData;
import io.lakemirror.lakefs.auth.kv.proto.PolicyData;
import io.lakemirror.lakefs.auth.kv.proto.SecondaryIndex;
import io.lakemirror.lakefs.auth.kv.proto.StatementData;
import io.lakemirror.lakefs.auth.kv.proto.StringList;
import io.lakemirror.lakefs.auth.kv.proto.UserData;
import io.lakemirror.lakefs.policy.Acl;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * lakeFS's auth records as protobuf values (docs/design/lakefs-facts.md §5.2), both ways: decoded for the
 * {@code kv} auth mode, encoded for the lakeFS test server, which writes its users in lakeFS's format.
 */
public final class KvRecords {

    /** A stored credential, its secret still encrypted. */
    public record StoredCredential(String accessKeyId, byte[] encryptedSecret, String user, Instant issued) {
    }

    private KvRecords() {
    }

    // ---- decoding

    public static User user(byte[] value, String where) {
        UserData u = parse(() -> UserData.parseFrom(value), "user", where);
        return new User(UserId.of(u.getUsername()), instant(u.getCreatedAt()),
                Optional.of(u.getFriendlyName()).filter(s -> !s.isEmpty()), Optional.of(u.getEmail()).filter(s -> !s.isEmpty()));
    }

    public static StoredCredential credential(byte[] value, String where) {
        CredentialData c = parse(() -> CredentialData.parseFrom(value), "credential", where);
        return new StoredCredential(c.getAccessKeyId(), c.getSecretAccessKeyEncryptedBytes().toByteArray(),
                c.getUserId().toString(StandardCharsets.UTF_8), instant(c.getIssuedDate()));
    }

    /** The key a secondary index (an attachment or a membership) points to. */
    public static byte[] primaryKey(byte[] value, String where) {
        return parse(() -> SecondaryIndex.parseFrom(value), "attachment", where).getPrimaryKey().toByteArray();
    }

    /**
     * A policy with its statements; a simplified-mode policy (with an ACL level) gets the statements lakeFS
     * derives from its level. Empty for a policy without statements, which grants nothing.
     */
    public static Optional<Policy> policy(byte[] value, String where) {
        PolicyData p = parse(() -> PolicyData.parseFrom(value), "policy", where);
        if (p.hasAcl() && !p.getAcl().getPermission().isEmpty()) {
            return Optional.of(Acl.fromStoredAcl(p.getDisplayName(), p.getAcl().getPermission()));
        }
        if (p.getStatementsCount() == 0) {
            return Optional.empty();
        }
        List<Statement> statements = new ArrayList<>();
        for (StatementData s : p.getStatementsList()) {
            Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
            s.getConditionMap().forEach((op, fields) -> {
                Map<String, List<String>> f = new LinkedHashMap<>();
                fields.getFieldsMap().forEach((field, values) -> f.put(field, values.getValuesList()));
                conditions.put(op, f);
            });
            statements.add(new Statement(Statement.Effect.fromWire(s.getEffect()), s.getActionList(), s.getResource(),
                    conditions));
        }
        return Optional.of(new Policy(p.getDisplayName(), Optional.of(instant(p.getCreatedAt())), statements));
    }

    /** Whether a stored policy is a simplified-mode ACL. */
    public static boolean isAcl(byte[] value, String where) {
        PolicyData p = parse(() -> PolicyData.parseFrom(value), "policy", where);
        return p.hasAcl() && !p.getAcl().getPermission().isEmpty();
    }

    // ---- encoding (the lakeFS test server writes its KV with these)

    public static byte[] encodeUser(String name, Instant created, Optional<String> email) {
        return UserData.newBuilder().setUsername(name).setCreatedAt(timestamp(created)).setEmail(email.orElse(""))
                .setSource("internal").build().toByteArray();
    }

    public static byte[] encodeCredential(String accessKeyId, String secretAccessKey, String user, Instant issued,
                                          SecretStore secrets) {
        return CredentialData.newBuilder().setAccessKeyId(accessKeyId)
                .setSecretAccessKeyEncryptedBytes(ByteString.copyFrom(secrets.encrypt(secretAccessKey.getBytes(StandardCharsets.UTF_8))))
                .setIssuedDate(timestamp(issued)).setUserId(ByteString.copyFromUtf8(user)).build().toByteArray();
    }

    public static byte[] encodeGroup(String name, Instant created) {
        return GroupData.newBuilder().setDisplayName(name).setCreatedAt(timestamp(created)).build().toByteArray();
    }

    /** A policy; with {@code acl}, a simplified-mode policy holding that level (and its statements, as lakeFS writes them). */
    public static byte[] encodePolicy(Policy policy, Instant created, Optional<Acl.Level> acl) {
        PolicyData.Builder b = PolicyData.newBuilder().setDisplayName(policy.id()).setCreatedAt(timestamp(created));
        for (Statement s : policy.statements()) {
            StatementData.Builder sb = StatementData.newBuilder().setEffect(s.effect().wire()).addAllAction(s.actions())
                    .setResource(s.resource());
            s.conditions().forEach((op, fields) -> {
                ConditionOperator.Builder ob = ConditionOperator.newBuilder();
                fields.forEach((field, values) -> ob.putFields(field, StringList.newBuilder().addAllValues(values).build()));
                sb.putCondition(op, ob.build());
            });
            b.addStatements(sb.build());
        }
        b.setAcl(ACLData.newBuilder().setPermission(acl.map(Acl.Level::wire).orElse("")).build());
        return b.build().toByteArray();
    }

    public static byte[] encodeIndex(byte[] primaryKey) {
        return SecondaryIndex.newBuilder().setPrimaryKey(ByteString.copyFrom(primaryKey)).build().toByteArray();
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Parser<T> parser, String what, String where) {
        try {
            return parser.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptDataException("lakeFS's " + what + " record at " + where + " is not a valid protobuf ("
                    + e.getMessage() + "); the database may not be lakeFS's, or a newer lakeFS changed the record", e);
        }
    }
}
