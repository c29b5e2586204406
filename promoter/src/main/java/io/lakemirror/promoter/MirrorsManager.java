package io.lakemirror.promoter;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorStatusWriter;
import io.lakemirror.store.Refstore;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and deletes the mirror repositories of this (destination) region and records their
 * status: CREATING → ACTIVE (or FAILED), and on deletion DELETING → removed. Idempotent: it may run
 * again for the same mirror at any time, and two managers may run it at once.
 *
 * <p>The mirror repository is marked as ours in its repository metadata (lakeFS lets metadata be
 * written on read-only repositories), so that a repository of the same name created by someone else
 * is never adopted, and never deleted.
 */
public final class MirrorsManager {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorsManager.class);
    /** Repository metadata key naming the mirror that owns a mirror repository. */
    public static final String OWNER_KEY = "lakemirror.mirror_id";
    static final String SOURCE_KEY = "lakemirror.source";

    private static final Set<MirrorState> BEFORE_ACTIVE = EnumSet.of(MirrorState.CREATING);
    private static final Set<MirrorState> BEFORE_DELETING = EnumSet.of(MirrorState.CREATING, MirrorState.ACTIVE, MirrorState.FAILED);

    private final Region region;
    private final MirrorStatusWriter db;
    private final Refstore refstore;
    private final LakeFs lakeFs;
    private final Clock clock;
    private final Optional<TagMirror> tags;

    /** A manager that does not mirror tags (tests of the repository lifecycle). */
    public MirrorsManager(Region region, MirrorStatusWriter db, Refstore refstore, LakeFs lakeFs, Clock clock) {
        this(region, db, refstore, lakeFs, clock, Optional.empty());
    }

    /** @param tags the tag pass run by {@link #mirrorTags} for the mirrors that ask for it */
    public MirrorsManager(Region region, MirrorStatusWriter db, Refstore refstore, LakeFs lakeFs, Clock clock,
                          Optional<TagMirror> tags) {
        this.region = region;
        this.db = db;
        this.refstore = refstore;
        this.lakeFs = lakeFs;
        this.clock = clock;
        this.tags = tags;
    }

    /**
     * Mirrors the tags of one ACTIVE mirror of this region when its spec asks for it ({@link TagMirror}),
     * and records the tags that wait for files in its status (the first {@link MirrorStatus#TAGS_REPORTED});
     * with tag mirroring off, the mirror's tags are left as they are and nothing waits.
     */
    public void mirrorTags(MirrorRecord mirror) {
        MirrorSpec spec = mirror.spec();
        if (tags.isEmpty() || !spec.destinationRegion().equals(region) || spec.isDeleteRequested()
                || mirror.state() != MirrorState.ACTIVE || mirror.status().isEmpty()) {
            return;
        }
        List<MirrorStatus.TagWaiting> waiting = spec.mirrorTags() ? tags.get().sync(spec).waiting() : List.of();
        List<MirrorStatus.TagWaiting> reported = waiting.subList(0, Math.min(waiting.size(), MirrorStatus.TAGS_REPORTED));
        MirrorStatus current = mirror.status().get();
        if (current.tagsWaiting().equals(reported)) {
            return;
        }
        try {
            // Only over ACTIVE: a deletion or failure recorded meanwhile stands.
            db.putStatus(new MirrorStatus(spec.id(), MirrorState.ACTIVE, current.message(), clock.instant(), reported),
                    EnumSet.of(MirrorState.ACTIVE), false);
        } catch (StaleWriteException e) {
            LOG.trace("mirror {}: tags waiting not recorded ({})", spec.id(), e.getMessage());
        }
    }

    /** Brings one mirror of this region to the state its spec asks for; mirrors of other regions are ignored. */
    public void reconcile(MirrorId id) {
        db.getMirror(id).ifPresent(this::reconcile);
    }

    public void reconcile(MirrorRecord mirror) {
        MirrorSpec spec = mirror.spec();
        if (!spec.destinationRegion().equals(region)) {
            return;
        }
        if (spec.isDeleteRequested()) {
            delete(mirror);
        } else if (mirror.status().isEmpty() || mirror.state() == MirrorState.CREATING) {
            create(mirror);
        }
    }

    private void create(MirrorRecord mirror) {
        MirrorSpec spec = mirror.spec();
        if (mirror.status().isEmpty()) {
            setStatus(spec.id(), MirrorState.CREATING, "creating the mirror repository", Set.of(), true);
        }
        try {
            lakeFs.createRepository(RepositoryCreation.mirror(spec.name(), spec.storageNamespace(), spec.defaultBranch()));
            lakeFs.setRepositoryMetadata(spec.name(), Map.of(OWNER_KEY, spec.id().value(),
                    SOURCE_KEY, spec.sourceRepository() + "@" + spec.sourceRegion()));
            LOG.info("created mirror repository {} for mirror {} ({})", spec.name(), spec.id(), spec.describe());
        } catch (AlreadyExistsException e) {
            Optional<String> problem;
            try {
                problem = adoptionProblem(spec);
            } catch (NotFoundException gone) {
                // lakeFS's repository cache answers for a just-deleted name for about 5-7 s (409 on create, 200 on
                // get) while its KV has no such repository (404 on the metadata): a re-created name, retried.
                String message = "repository " + spec.name() + " was deleted moments ago and lakeFS still answers for"
                        + " it from its repository cache; retrying the creation";
                setStatus(spec.id(), MirrorState.CREATING, message, BEFORE_ACTIVE, true);
                throw new RetryableException("mirror " + spec.id() + ": " + message, gone);
            }
            if (problem.isPresent()) {
                LOG.warn("mirror {} ({}) failed: {}", spec.id(), spec.describe(), problem.get());
                setStatus(spec.id(), MirrorState.FAILED, problem.get(), BEFORE_ACTIVE, true);
                return;
            }
        } catch (ReplicationException e) {
            if (e.isRetryable()) {
                setStatus(spec.id(), MirrorState.CREATING, "creating the mirror repository failed, retrying: "
                        + e.getMessage(), BEFORE_ACTIVE, true);
                throw e;
            }
            LOG.warn("mirror {} ({}) failed: {}", spec.id(), spec.describe(), e.getMessage());
            setStatus(spec.id(), MirrorState.FAILED, "cannot create the mirror repository: " + e.getMessage(),
                    BEFORE_ACTIVE, true);
            return;
        }
        Optional<String> writable = writableProblem(spec);
        if (writable.isPresent()) {
            LOG.error("mirror {} ({}) failed: {}", spec.id(), spec.describe(), writable.get());
            setStatus(spec.id(), MirrorState.FAILED, writable.get(), BEFORE_ACTIVE, true);
            return;
        }
        setStatus(spec.id(), MirrorState.ACTIVE, "", BEFORE_ACTIVE, true);
    }

    /**
     * Reads the repository back: lakeFS before 1.11.0 creates a bare repository writable whatever
     * {@code read_only} asks, and a writable mirror could take commits the source never had (I6).
     * The startup version check refuses such a lakeFS; this catches one it could not reach then.
     */
    private Optional<String> writableProblem(MirrorSpec spec) {
        if (lakeFs.getRepository(spec.name()).readOnly()) {
            return Optional.empty();
        }
        return Optional.of("mirror repository " + spec.name() + " in region " + region + " is writable: lakeFS ignored"
                + " read_only when creating it (lakeFS before 1.11.0 does so for bare repositories), so nothing would stop"
                + " writes that the source never had; the mirror stays FAILED and is never promoted: upgrade lakeFS to"
                + " 1.11.0 or later, then delete this mirror (which removes the repository) and create it again");
    }

    /**
     * Why an existing repository of the mirror's name cannot be this mirror's, or empty when it is
     * (an earlier attempt, by this or another manager, created it).
     */
    private Optional<String> adoptionProblem(MirrorSpec spec) {
        Repository existing = lakeFs.getRepository(spec.name());
        String owner = lakeFs.getRepositoryMetadata(spec.name()).get(OWNER_KEY);
        if (spec.id().value().equals(owner)) {
            return Optional.empty();
        }
        boolean looksLikeOurAttempt = owner == null && existing.readOnly()
                && existing.storageNamespace().equals(spec.storageNamespace().value())
                && lakeFs.listBranches(spec.name(), io.lakemirror.lakefs.PageRequest.first(1), true).results().isEmpty();
        if (looksLikeOurAttempt) {
            // A previous attempt created it and stopped before marking it.
            lakeFs.setRepositoryMetadata(spec.name(), Map.of(OWNER_KEY, spec.id().value(),
                    SOURCE_KEY, spec.sourceRepository() + "@" + spec.sourceRegion()));
            return Optional.empty();
        }
        return Optional.of("repository " + spec.name() + " already exists in region " + region
                + (owner == null ? "" : " and belongs to mirror " + owner)
                + "; choose another mirror name or delete that repository");
    }

    private void delete(MirrorRecord mirror) {
        MirrorSpec spec = mirror.spec();
        if (mirror.state() != MirrorState.DELETING) {
            setStatus(spec.id(), MirrorState.DELETING, "deleting the mirror repository", BEFORE_DELETING, true);
        }
        if (ownsRepository(spec)) {
            try {
                lakeFs.deleteRepository(spec.name(), true);
            } catch (NotFoundException e) {
                LOG.trace("mirror repository {} was already gone", spec.name());
            }
        } else {
            LOG.info("mirror {}: repository {} is not this mirror's; leaving it in place", spec.id(), spec.name());
        }
        refstore.deleteMirror(spec.id());
        db.deleteMirror(spec.id());
        LOG.info("deleted mirror {} ({})", spec.id(), spec.describe());
    }

    private boolean ownsRepository(MirrorSpec spec) {
        try {
            return spec.id().value().equals(lakeFs.getRepositoryMetadata(spec.name()).get(OWNER_KEY));
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void setStatus(MirrorId id, MirrorState state, String message, Set<MirrorState> from, boolean allowAbsent) {
        try {
            db.putStatus(new MirrorStatus(id, state, message, clock.instant()), from, allowAbsent);
        } catch (StaleWriteException e) {
            // Another manager moved the mirror on; its status stands, and the next pass re-reads it.
            LOG.trace("mirror {}: status {} not written ({})", id, state, e.getMessage());
        }
    }
}
