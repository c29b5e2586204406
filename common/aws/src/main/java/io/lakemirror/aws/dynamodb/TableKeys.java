package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The keys of the mirrors table (docs/design/pipeline.md, "Mirrors database layout"): string
 * attributes {@code pk} and {@code sk}, every partition key starting with {@code ORG#<organization>#}.
 * No identifier may contain {@code #} (their rules forbid it), so keys split unambiguously.
 */
public final class TableKeys {
    public static final String PK = "pk";
    public static final String SK = "sk";
    static final String CLAIM_SK = "CLAIM";
    static final String SPEC = "SPEC";
    static final String STATUS = "STATUS";
    static final String SOURCE = "SOURCE";
    static final String SENSOR_PREFIX = "SENSOR#";
    static final String SENT_PREFIX = "SENT#";
    static final String BRANCH_PREFIX = "BRANCH#";
    static final String COMMIT_PREFIX = "COMMIT#";

    private TableKeys() {
    }

    /** Partition of every mirror's spec, status and source status: listing mirrors is one query. */
    static String mirrorsPk(OrganizationId org) {
        return "ORG#" + org.value() + "#MIRRORS";
    }

    static String specSk(MirrorId id) {
        return id.value() + "#" + SPEC;
    }

    static String statusSk(MirrorId id) {
        return id.value() + "#" + STATUS;
    }

    static String sourceSk(MirrorId id) {
        return id.value() + "#" + SOURCE;
    }

    /** Sort-key prefix of the items of one mirror in {@link #mirrorsPk}. */
    static String mirrorItemsPrefix(MirrorId id) {
        return id.value() + "#";
    }

    /**
     * The smallest string greater than every sort key of mirror {@code id} in {@link #mirrorsPk} and
     * smaller than those of every greater mirror ID: {@code $} sorts right after {@code #} and before
     * every character a mirror ID may contain.
     */
    static String afterMirror(String id) {
        return id + "$";
    }

    static String claimPk(OrganizationId org, Region destination, RepositoryId name) {
        return "ORG#" + org.value() + "#NAME#" + destination.value() + "#" + name.value();
    }

    /** Partition of one mirror's sensor states, sent commits and branch states. */
    static String mirrorPk(OrganizationId org, MirrorId id) {
        return "ORG#" + org.value() + "#MIRROR#" + id.value();
    }

    static String sensorSk(BranchId branch) {
        return SENSOR_PREFIX + branch.value();
    }

    static String sentSk(CommitId commit) {
        return SENT_PREFIX + commit.value();
    }

    static String branchSk(BranchId branch) {
        return BRANCH_PREFIX + branch.value();
    }

    static String refsPk(OrganizationId org, MirrorId mirror) {
        return "ORG#" + org.value() + "#REFS#" + mirror.value();
    }

    static String commitSk(CommitId commit) {
        return COMMIT_PREFIX + commit.value();
    }

    static String presentPk(OrganizationId org, StorageNamespace namespace) {
        return "ORG#" + org.value() + "#PRESENT#" + namespace.value();
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
    }

    /** What a key names, as far as the change feed cares. */
    public sealed interface ItemKey {
        OrganizationId organization();
    }

    /** The spec, status or source status of a mirror. */
    public record MirrorItemKey(OrganizationId organization, MirrorId mirror, String kind) implements ItemKey {
    }

    /** The branch state of one branch of a mirror. */
    public record BranchItemKey(OrganizationId organization, MirrorId mirror, BranchId branch) implements ItemKey {
    }

    /** Any other item of an organization (claims, sensor state, sent commits, refstore items). */
    public record OtherItemKey(OrganizationId organization) implements ItemKey {
    }

    /**
     * Reads a key written by this layout; empty for keys of some other layout (a table shared with
     * something else) or with identifiers that are no longer valid.
     */
    public static Optional<ItemKey> parse(String pk, String sk) {
        String[] parts = pk.split("#", -1);
        if (parts.length < 3 || !parts[0].equals("ORG")) {
            return Optional.empty();
        }
        try {
            OrganizationId org = OrganizationId.of(parts[1]);
            if (parts.length == 3 && parts[2].equals("MIRRORS")) {
                int hash = sk.indexOf('#');
                if (hash <= 0) {
                    return Optional.empty();
                }
                String kind = sk.substring(hash + 1);
                if (!kind.equals(SPEC) && !kind.equals(STATUS) && !kind.equals(SOURCE)) {
                    return Optional.of(new OtherItemKey(org));
                }
                return Optional.of(new MirrorItemKey(org, MirrorId.of(sk.substring(0, hash)), kind));
            }
            if (parts.length == 4 && parts[2].equals("MIRROR") && sk.startsWith(BRANCH_PREFIX)) {
                return Optional.of(new BranchItemKey(org, MirrorId.of(parts[3]),
                        BranchId.of(sk.substring(BRANCH_PREFIX.length()))));
            }
            return Optional.of(new OtherItemKey(org));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }
}
