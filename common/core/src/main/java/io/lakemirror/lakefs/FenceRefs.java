package io.lakemirror.lakefs;

import io.lakemirror.domain.BranchId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The promoter's fence refs: short-lived branches of a mirror repository through which it moves a
 * mirror branch, so that a write lakeFS executes late cannot move the branch back
 * (docs/design/pipeline.md, "Fenced promotions").
 *
 * <p>lakeFS's hard reset and branch creation take no precondition. So a promoter never points them
 * at a commit ID: it creates a fence ref at the head, moves the branch to the fence ref, and deletes
 * it. Whoever moves the branch next first deletes every fence ref of the branch; a request of an
 * earlier holder that lakeFS executes after that names a ref that no longer exists and fails (404)
 * instead of moving the branch to an older head.
 *
 * <p>Names are {@code _lakemirror-fence-<16 hex of the branch name's SHA-256>-<random>}: one prefix
 * per mirror branch, whatever its length, and never a name a source branch could have by accident.
 * Auditors skip them: they are the service's own short-lived refs, not mirrored branches.
 */
public final class FenceRefs {
    /** What every fence ref's name starts with. */
    public static final String PREFIX = "_lakemirror-fence-";

    private FenceRefs() {
    }

    /** Whether {@code branch} is a fence ref, not a mirrored branch. */
    public static boolean isFence(BranchId branch) {
        return branch.value().startsWith(PREFIX);
    }

    /** The prefix of every fence ref of {@code branch}. */
    public static String prefixOf(BranchId branch) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(branch.value().getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest, 0, 8) + "-";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A new fence ref of {@code branch}, for one move. */
    public static BranchId next(BranchId branch) {
        return BranchId.of(prefixOf(branch) + UUID.randomUUID().toString().replace("-", ""));
    }
}
