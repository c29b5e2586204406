package io.lakemirror.api;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.policy.Actions;
import io.lakemirror.lakefs.policy.Arns;
import io.lakemirror.lakefs.policy.Permission;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorSpecWriter;
import io.lakemirror.store.MirrorsReader;
import io.lakemirror.store.StorePage;
import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the REST API does, free of HTTP: create, list, show and delete the mirrors of this region's
 * source repositories, each operation authorized first. Inputs are raw strings from the request and
 * are validated here, once, into typed identifiers.
 */
public final class MirrorService {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorService.class);
    /** lakeFS's permission to mirror a repository (lakeFS Enterprise names it; OSS policies may grant it too). */
    public static final String MIRROR_REPOSITORY = "fs:MirrorRepository";

    private final Region region;
    private final Map<Region, URI> destinations;
    private final LakeFs lakeFs;
    private final Function<Region, Optional<LakeFs>> destinationLakeFs;
    private final MirrorSpecWriter db;
    private final Authorizer authorizer;
    private final Clock clock;
    private final int maxPageSize;

    /**
     * @param destinations      the lakeFS of every region mirrors may be created in ({@code dst_endpoints})
     * @param destinationLakeFs the lakeFS client of a destination region, to spot a name taken there early
     * @param maxPageSize       {@code list_mirrors_page_size}
     */
    public MirrorService(Region region, Map<Region, URI> destinations, LakeFs lakeFs,
                         Function<Region, Optional<LakeFs>> destinationLakeFs, MirrorSpecWriter db, Authorizer authorizer,
                         Clock clock, int maxPageSize) {
        this.region = region;
        this.destinations = Map.copyOf(destinations);
        this.lakeFs = lakeFs;
        this.destinationLakeFs = destinationLakeFs;
        this.db = db;
        this.authorizer = authorizer;
        this.clock = clock;
        this.maxPageSize = maxPageSize;
    }

    /**
     * The body of a create request, as received.
     *
     * @param mirrorTags whether to mirror the source's tags; null (absent) means yes
     */
    public record CreateRequest(String name, String region, String storageNamespace, Boolean mirrorTags) {
        public CreateRequest(String name, String region, String storageNamespace) {
            this(name, region, storageNamespace, null);
        }
    }

    /** One page of mirrors, with lakeFS's pagination fields. */
    public record MirrorPage(List<MirrorView> mirrors, boolean hasMore, String nextOffset, int maxPerPage) {
    }

    public MirrorView create(Caller caller, String sourceRepository, CreateRequest request) {
        RepositoryId source = RepositoryId.of(sourceRepository);
        RepositoryId name = RepositoryId.of(require(request.name(), "name"));
        Region target = Region.of(require(request.region(), "region"));
        StorageNamespace namespace = StorageNamespace.of(require(request.storageNamespace(), "storage_namespace"));
        if (target.equals(region) || !destinations.containsKey(target)) {
            throw new InvalidInputException("region " + target + " is not a destination of this deployment: it must be"
                    + " one of dst_endpoints " + destinations.keySet().stream().map(Region::value).sorted().toList()
                    + " and differ from the source region " + region);
        }
        authorizer.authorize(caller, new Permission.AllOf(List.of(
                new Permission.Single(Actions.CREATE_REPOSITORY, Arns.repository(name)),
                new Permission.Single(MIRROR_REPOSITORY, Arns.repository(source)),
                new Permission.Single(Actions.ATTACH_STORAGE_NAMESPACE, Arns.namespace(namespace.value())))));
        Repository sourceRepo = lakeFs.getRepository(source);
        checkNamespace(sourceRepo, namespace);
        checkNameFree(target, name);
        MirrorSpec spec = new MirrorSpec(MirrorId.generate(clock.instant()), name, source, region, target, namespace,
                sourceRepo.defaultBranch(), clock.instant().truncatedTo(ChronoUnit.SECONDS), caller.user().id().value(),
                Optional.empty(), Optional.of(new MirrorSpec.SourceIdentity(sourceRepo.creationDate(),
                        sourceRepo.storageNamespace())), request.mirrorTags() == null || request.mirrorTags());
        db.createMirror(spec);
        LOG.info("{} created mirror {} ({}) in {}", caller, spec.id(), spec.describe(), namespace);
        return MirrorViews.summary(new MirrorRecord(spec, Optional.empty(), Optional.empty()));
    }

    private static String require(String value, String field) {
        if (value == null) {
            throw new InvalidInputException("field " + field + " is required");
        }
        return value;
    }

    /** S3 replication keeps keys, so only the bucket may differ between source and mirror namespaces. */
    private static void checkNamespace(Repository source, StorageNamespace mirror) {
        StorageNamespace sourceNamespace = source.s3StorageNamespace().orElseThrow(() -> new InvalidInputException(
                "source repository " + source.id() + " keeps its data at " + source.storageNamespace()
                        + ", which is not on S3; only S3 namespaces can be mirrored by bucket replication"));
        if (!sourceNamespace.prefix().equals(mirror.prefix())) {
            throw new InvalidInputException("storage namespace " + mirror + " must have the key prefix \""
                    + sourceNamespace.prefix() + "\" of the source namespace " + sourceNamespace
                    + ": S3 replication keeps object keys, so a mirror namespace differs from its source only in the bucket");
        }
        if (sourceNamespace.bucket().equals(mirror.bucket())) {
            throw new InvalidInputException("storage namespace " + mirror + " is the source repository's own namespace:"
                    + " a mirror needs the replicated bucket of its region");
        }
    }

    private void checkNameFree(Region target, RepositoryId name) {
        db.findByName(target, name).ifPresent(holder -> {
            throw new AlreadyExistsException("mirror name " + name + " is taken in region " + target + " by mirror " + holder);
        });
        Optional<LakeFs> remote = destinationLakeFs.apply(target);
        if (remote.isEmpty()) {
            return;
        }
        try {
            remote.get().getRepository(name);
            // lakeFS's repository cache still answers for a repository deleted moments ago (about 5-7 s) while its
            // database has none, so the metadata read decides; the mirrors manager retries the creation meanwhile.
            remote.get().getRepositoryMetadata(name);
            throw new AlreadyExistsException("repository " + name + " already exists in region " + target
                    + "; choose another mirror name");
        } catch (NotFoundException free) {
            // The name is free on the destination lakeFS.
        } catch (AlreadyExistsException taken) {
            throw taken;
        } catch (ReplicationException unreachable) {
            // The mirrors manager checks again when it creates the repository; do not refuse a mirror for this.
            LOG.debug("cannot check repository {} in region {} ahead of creation: {}", name, target, unreachable.getMessage());
        }
    }

    public MirrorPage list(Caller caller, String sourceRepository, Optional<String> after, Optional<Integer> amount) {
        RepositoryId source = RepositoryId.of(sourceRepository);
        authorizer.authorize(caller, new Permission.Single(Actions.LIST_REPOSITORIES, "*"));
        return page(db, m -> isOf(m, source), MirrorViews::summary, after, amount, maxPageSize);
    }

    /**
     * One page of the mirrors {@code include} keeps, in ID order, each as {@code view} shows it: {@code amount}
     * (100 by default, at most {@code maxPageSize}) after {@code after}, reading the database a page at a time.
     */
    static MirrorPage page(MirrorsReader db, Predicate<MirrorRecord> include, Function<MirrorRecord, MirrorView> view,
                           Optional<String> after, Optional<Integer> amount, int maxPageSize) {
        int size = Math.min(amount.filter(a -> a > 0).orElse(100), maxPageSize);
        List<MirrorView> page = new ArrayList<>();
        Optional<String> cursor = after.filter(a -> !a.isEmpty());
        boolean more = false;
        outer:
        do {
            StorePage<MirrorRecord> chunk = db.listMirrors(cursor, maxPageSize);
            for (MirrorRecord m : chunk.items()) {
                if (!include.test(m)) {
                    continue;
                }
                if (page.size() == size) {
                    more = true;
                    break outer;
                }
                page.add(view.apply(m));
            }
            cursor = chunk.nextAfter();
        } while (cursor.isPresent());
        String next = more ? page.get(page.size() - 1).id().value() : "";
        return new MirrorPage(page, more, next, maxPageSize);
    }

    public MirrorView get(Caller caller, String sourceRepository, String mirrorId) {
        MirrorRecord mirror = find(sourceRepository, mirrorId);
        authorizer.authorize(caller, new Permission.Single(Actions.LIST_REPOSITORIES, "*"));
        MirrorId id = mirror.spec().id();
        return MirrorViews.detail(mirror, db.listSensorBranchStates(id), db.listBranchStates(id), clock.instant());
    }

    /** Asks for deletion; the destination's mirrors manager removes the repository asynchronously. */
    public MirrorView delete(Caller caller, String sourceRepository, String mirrorId) {
        MirrorRecord mirror = find(sourceRepository, mirrorId);
        authorizer.authorize(caller, new Permission.Single(Actions.DELETE_REPOSITORY, Arns.repository(mirror.spec().name())));
        db.requestDeletion(mirror.spec().id(), clock.instant());
        LOG.info("{} asked to delete mirror {} ({})", caller, mirror.spec().id(), mirror.spec().describe());
        return MirrorViews.summary(db.getMirror(mirror.spec().id()).orElse(mirror));
    }

    /**
     * Switches the mirroring of tags on or off ({@code PATCH}), with the permissions a creation needs
     * (the caller could delete the mirror and create it again with the other setting). Turned off, the
     * mirror's existing tags stay; turned on, the destination's next pass mirrors the source's tags.
     */
    public MirrorView update(Caller caller, String sourceRepository, String mirrorId, Boolean mirrorTags) {
        if (mirrorTags == null) {
            throw new InvalidInputException("field mirror_tags is required: true to mirror the source's tags, false"
                    + " to stop");
        }
        MirrorRecord mirror = find(sourceRepository, mirrorId);
        MirrorSpec spec = mirror.spec();
        authorizer.authorize(caller, new Permission.AllOf(List.of(
                new Permission.Single(Actions.CREATE_REPOSITORY, Arns.repository(spec.name())),
                new Permission.Single(MIRROR_REPOSITORY, Arns.repository(spec.sourceRepository())),
                new Permission.Single(Actions.ATTACH_STORAGE_NAMESPACE, Arns.namespace(spec.storageNamespace().value())))));
        if (spec.isDeleteRequested()) {
            throw new InvalidInputException("mirror " + spec.id() + " is being deleted; it cannot be changed");
        }
        db.setMirrorTags(spec.id(), mirrorTags);
        LOG.info("{} set mirror_tags of mirror {} ({}) to {}", caller, spec.id(), spec.describe(), mirrorTags);
        MirrorRecord updated = db.getMirror(spec.id()).orElse(mirror);
        return MirrorViews.detail(updated, db.listSensorBranchStates(spec.id()), db.listBranchStates(spec.id()),
                clock.instant());
    }

    private MirrorRecord find(String sourceRepository, String mirrorId) {
        RepositoryId source = RepositoryId.of(sourceRepository);
        MirrorId id = MirrorId.of(mirrorId);
        return db.getMirror(id).filter(m -> isOf(m, source))
                .orElseThrow(() -> new NotFoundException("mirror not found: no mirror " + id + " of repository " + source));
    }

    private boolean isOf(MirrorRecord mirror, RepositoryId source) {
        return mirror.spec().sourceRepository().equals(source) && mirror.spec().sourceRegion().equals(region);
    }
}
