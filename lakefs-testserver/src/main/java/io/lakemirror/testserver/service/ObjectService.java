package io.lakemirror.testserver.service;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.graveler.Entry;
import io.lakemirror.testserver.model.BranchState;
import io.lakemirror.testserver.model.Keys;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.Paged;
import io.lakemirror.testserver.model.RefResolver;
import io.lakemirror.testserver.model.RepositoryState;
import io.lakemirror.testserver.model.ResolvedRef;
import io.lakemirror.testserver.model.Staged;
import io.lakemirror.testserver.storage.BlockStore;
import io.lakemirror.testserver.storage.PhysicalAddresses;
import io.lakemirror.testserver.storage.Trees;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Objects: uploads go to the bucket at a fresh {@code data/...} address and are staged on the
 * branch; reads see a branch's staged changes over its head commit's tree. Blocking.
 */
public final class ObjectService {
    private final RepositoryService repositories;
    private final Trees trees;
    private final BlockStore blocks;
    private final PhysicalAddresses addresses;
    private final Clock clock;

    public ObjectService(RepositoryService repositories, Trees trees, BlockStore blocks, PhysicalAddresses addresses,
                         Clock clock) {
        this.repositories = repositories;
        this.trees = trees;
        this.blocks = blocks;
        this.addresses = addresses;
        this.clock = clock;
    }

    /** An object as lakeFS reports it. */
    public record ObjectView(String path, Entry entry, String physicalAddress) {
    }

    /** A list item: an object, or a common prefix when listing with a delimiter. */
    public record Listed(String path, Optional<ObjectView> object) {
    }

    /** What an upload carries besides the bytes. */
    public record Upload(byte[] content, String contentType, Map<String, String> userMetadata, boolean force,
                         boolean ifNoneMatchAny) {
    }

    public ObjectView upload(String repository, BranchId branch, String path, Upload upload) {
        RepositoryState repo = repositories.get(repository);
        repo.checkWritable(upload.force());
        BranchState b = repo.branch(branch);
        checkPath(path);
        if (upload.ifNoneMatchAny() && lookup(repo, new ResolvedRef(b.head(), Optional.of(b)), path).isPresent()) {
            throw new LakeFsError(LakeFsError.Kind.PRECONDITION_FAILED, "precondition failed");
        }
        String address = addresses.next();
        String eTag = blocks.put(repo.storageNamespace(), address, upload.content(), upload.contentType());
        Entry entry = new Entry(address, Entry.AddressType.RELATIVE, clock.instant().truncatedTo(ChronoUnit.MICROS),
                upload.content().length, eTag, upload.userMetadata(), upload.contentType());
        b.staging().put(path, Staged.put(entry));
        return view(repo.storageNamespace(), path, entry);
    }

    public ObjectView stat(String repository, String ref, String path) {
        RepositoryState repo = repositories.get(repository);
        checkPath(path);
        return lookup(repo, RefResolver.resolve(repo, ref), path)
                .map(e -> view(repo.storageNamespace(), path, e))
                .orElseThrow(() -> LakeFsError.notFound("not found"));
    }

    /** The object's metadata and bytes. */
    public record Content(ObjectView object, byte[] bytes) {
    }

    public Content get(String repository, String ref, String path) {
        RepositoryState repo = repositories.get(repository);
        ObjectView object = stat(repository, ref, path);
        Entry e = object.entry();
        Optional<byte[]> bytes = e.addressType() == Entry.AddressType.FULL
                ? blocks.getFull(e.address())
                : blocks.get(repo.storageNamespace(), e.address());
        return new Content(object, bytes.orElseThrow(() -> new LakeFsError(LakeFsError.Kind.GONE, "No data")));
    }

    /**
     * Objects under {@code prefix} after {@code after}; with a delimiter, paths that continue past
     * it collapse into one common prefix each.
     */
    public Paged<Listed> list(String repository, String ref, String prefix, String after, int amount, String delimiter) {
        RepositoryState repo = repositories.get(repository);
        NavigableMap<String, Entry> tree = view(repo, RefResolver.resolve(repo, ref));
        NavigableMap<String, Entry> from = after.isEmpty() || Keys.BYTEWISE.compare(after, prefix) < 0
                ? tree.tailMap(prefix, true) : tree.tailMap(after, false);
        List<Listed> out = new ArrayList<>();
        String lastPrefix = null;
        for (Map.Entry<String, Entry> e : from.entrySet()) {
            String path = e.getKey();
            if (!path.startsWith(prefix)) {
                break;
            }
            String id = path;
            Optional<ObjectView> object = Optional.of(view(repo.storageNamespace(), path, e.getValue()));
            if (!delimiter.isEmpty()) {
                int cut = path.indexOf(delimiter, prefix.length());
                if (cut >= 0) {
                    id = path.substring(0, cut + delimiter.length());
                    object = Optional.empty();
                }
            }
            if (id.equals(lastPrefix) || (!after.isEmpty() && Keys.BYTEWISE.compare(id, after) <= 0)) {
                continue;
            }
            if (out.size() == amount) {
                return new Paged<>(out, true, out.get(out.size() - 1).path());
            }
            out.add(new Listed(id, object));
            lastPrefix = object.isEmpty() ? id : null;
        }
        return new Paged<>(out, false, "");
    }

    /** Stages a deletion; 404 when the path does not exist on the branch. */
    public void delete(String repository, BranchId branch, String path, boolean force) {
        RepositoryState repo = repositories.get(repository);
        repo.checkWritable(force);
        BranchState b = repo.branch(branch);
        checkPath(path);
        boolean committed = trees.read(repo.storageNamespace(), repo.commit(b.head()).metaRangeId()).containsKey(path);
        Staged staged = b.staging().get(path);
        boolean exists = staged == null ? committed : !staged.isTombstone();
        if (!exists) {
            throw LakeFsError.notFound("not found");
        }
        if (committed) {
            b.staging().put(path, Staged.tombstone());
        } else {
            b.staging().remove(path);
        }
    }

    private Optional<Entry> lookup(RepositoryState repo, ResolvedRef ref, String path) {
        if (ref.branch().isPresent()) {
            Staged staged = ref.branch().get().staging().get(path);
            if (staged != null) {
                return staged.entry();
            }
        }
        return Optional.ofNullable(trees.read(repo.storageNamespace(), repo.commit(ref.commit()).metaRangeId()).get(path));
    }

    private NavigableMap<String, Entry> view(RepositoryState repo, ResolvedRef ref) {
        NavigableMap<String, Entry> committed = trees.read(repo.storageNamespace(), repo.commit(ref.commit()).metaRangeId());
        if (ref.branch().isEmpty() || ref.branch().get().staging().isEmpty()) {
            return committed;
        }
        TreeMap<String, Entry> merged = new TreeMap<>(Keys.BYTEWISE);
        merged.putAll(committed);
        ref.branch().get().staging().forEach((path, staged) ->
                staged.entry().ifPresentOrElse(e -> merged.put(path, e), () -> merged.remove(path)));
        return merged;
    }

    private static ObjectView view(StorageNamespace ns, String path, Entry entry) {
        String physical = entry.addressType() == Entry.AddressType.FULL ? entry.address() : ns.value() + "/" + entry.address();
        return new ObjectView(path, entry, physical);
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty()) {
            throw LakeFsError.badRequest("path is required");
        }
    }
}
