package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user asked for: mirror {@code sourceRepository} of {@code sourceRegion} into a read-only
 * repository {@code name} of {@code destinationRegion}. Written by the API of the region that served
 * the request; never changed afterwards except to request deletion.
 *
 * @param defaultBranch     the source repository's default branch, which the mirror repository gets too
 * @param deleteRequestedAt when a user asked to delete the mirror; the mirrors manager then removes it
 * @param sourceIdentity    which repository of that name the mirror follows (added by issue 19: adapters store
 *                          it when present and return it as written; empty for specs written before it existed,
 *                          whose source is then not checked): a repository deleted and recreated under the
 *                          same name has another creation date and usually another namespace, and the sensor
 *                          stops instead of following its unrelated history
 * @param mirrorTags        whether the source's tags are mirrored (added by issue 23; a spec stored without it reads
 *                          as {@code true}); switched off, the mirror's existing tags stay as they are
 */
public record MirrorSpec(MirrorId id, RepositoryId name, RepositoryId sourceRepository, Region sourceRegion,
                         Region destinationRegion, StorageNamespace storageNamespace, BranchId defaultBranch,
                         Instant createdAt, String createdBy, Optional<Instant> deleteRequestedAt,
                         Optional<SourceIdentity> sourceIdentity, boolean mirrorTags) {

    public MirrorSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sourceRepository, "sourceRepository");
        Objects.requireNonNull(sourceRegion, "sourceRegion");
        Objects.requireNonNull(destinationRegion, "destinationRegion");
        Objects.requireNonNull(storageNamespace, "storageNamespace");
        Objects.requireNonNull(defaultBranch, "defaultBranch");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(deleteRequestedAt, "deleteRequestedAt");
        Objects.requireNonNull(sourceIdentity, "sourceIdentity");
    }

    /** A spec that mirrors tags (the default). */
    public MirrorSpec(MirrorId id, RepositoryId name, RepositoryId sourceRepository, Region sourceRegion,
                      Region destinationRegion, StorageNamespace storageNamespace, BranchId defaultBranch,
                      Instant createdAt, String createdBy, Optional<Instant> deleteRequestedAt,
                      Optional<SourceIdentity> sourceIdentity) {
        this(id, name, sourceRepository, sourceRegion, destinationRegion, storageNamespace, defaultBranch, createdAt,
                createdBy, deleteRequestedAt, sourceIdentity, true);
    }

    /** A spec without the source's identity (as written before it was recorded). */
    public MirrorSpec(MirrorId id, RepositoryId name, RepositoryId sourceRepository, Region sourceRegion,
                      Region destinationRegion, StorageNamespace storageNamespace, BranchId defaultBranch,
                      Instant createdAt, String createdBy, Optional<Instant> deleteRequestedAt) {
        this(id, name, sourceRepository, sourceRegion, destinationRegion, storageNamespace, defaultBranch, createdAt,
                createdBy, deleteRequestedAt, Optional.empty(), true);
    }

    /**
     * What tells one source repository from another created later under the same name: lakeFS's
     * creation date (whole seconds) and its storage namespace, as lakeFS reports them.
     */
    public record SourceIdentity(Instant creationDate, String storageNamespace) {
        public SourceIdentity {
            Objects.requireNonNull(creationDate, "creationDate");
            Objects.requireNonNull(storageNamespace, "storageNamespace");
        }

        @Override
        public String toString() {
            return "created " + creationDate + " on " + storageNamespace;
        }
    }

    /** This spec recording {@code identity} as its source's. */
    public MirrorSpec withSourceIdentity(SourceIdentity identity) {
        return new MirrorSpec(id, name, sourceRepository, sourceRegion, destinationRegion, storageNamespace,
                defaultBranch, createdAt, createdBy, deleteRequestedAt, Optional.of(identity), mirrorTags);
    }

    /** This spec with tag mirroring switched {@code on} or off. */
    public MirrorSpec withMirrorTags(boolean on) {
        return new MirrorSpec(id, name, sourceRepository, sourceRegion, destinationRegion, storageNamespace,
                defaultBranch, createdAt, createdBy, deleteRequestedAt, sourceIdentity, on);
    }

    public boolean isDeleteRequested() {
        return deleteRequestedAt.isPresent();
    }

    public MirrorSpec withDeleteRequested(Instant at) {
        return new MirrorSpec(id, name, sourceRepository, sourceRegion, destinationRegion, storageNamespace,
                defaultBranch, createdAt, createdBy, Optional.of(at), sourceIdentity, mirrorTags);
    }

    /** "source-repo@us-east-1 → mirror-repo@eu-west-1", for logs. */
    public String describe() {
        return sourceRepository + "@" + sourceRegion + " → " + name + "@" + destinationRegion;
    }
}
