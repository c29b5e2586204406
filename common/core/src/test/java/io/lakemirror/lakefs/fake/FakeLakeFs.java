package io.lakemirror.lakefs.fake;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.NotImplementedException;
import io.lakemirror.domain.ReadOnlyRepositoryException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.domain.TagId;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LakeFsVersion;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written, thread-safe, in-memory lakeFS behind the {@link LakeFs} port, for unit tests of
 * every module. It follows lakeFS where the service depends on it:
 *
 * <ul>
 *   <li>the commit log order: creation date descending, then commit ID descending, over every
 *       parent (or only first parents), each commit once; {@code after}, {@code amount},
 *       {@code stop_at} (inclusive), {@code limit} and {@code since}; a missing parent fails the walk;</li>
 *   <li>pagination of repositories, branches and tags in name order with {@code after} = the last name;</li>
 *   <li>hidden branches, listed only with {@code showHidden};</li>
 *   <li>ref resolution: full commit ID, branch, tag, unique ID prefix, then {@code ~N} / {@code ^N};</li>
 *   <li>read-only repositories refusing writes without {@code force}, the default branch that
 *       cannot be deleted, {@code createCommitRecord} checking the ID against
 *       {@link CommitIds#of(CommitRecord)};</li>
 *   <li>OSS lakeFS auth: one admin user, policy APIs answering "not implemented" unless
 *       {@link #usePolicies(Map)} is called.</li>
 * </ul>
 *
 * <p>Test helpers ({@link #commit}, {@link #merge}, {@link #setBranch}, ...) compute real commit IDs,
 * are not counted and never fail. Every port call is counted per operation and repository
 * ({@link #calls(LakeFsOperation)}), runs the {@link CallListener}s, and may raise an injected
 * failure ({@link #fail}), so a test can assert "zero log calls" or make one repository time out.
 */
public final class FakeLakeFs implements LakeFs {
    /** lakeFS's log order. */
    public static final Comparator<CommitRecord> LOG_ORDER = Comparator
            .comparing(CommitRecord::creationDate, Comparator.reverseOrder())
            .thenComparing(CommitRecord::id, Comparator.reverseOrder());
    /** The bucket of the namespaces {@link #createRepository(RepositoryId)} invents. */
    public static final String BUCKET = "fake-lakefs";

    private static final Pattern FULL_ID = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern ID_PREFIX = Pattern.compile("^[0-9a-f]{6,63}$");
    private static final Pattern EXPRESSION = Pattern.compile("^([^~^@$]+)((?:[~^]\\d*)*)([@$]?)$");
    private static final Pattern MODIFIER = Pattern.compile("([~^])(\\d*)");
    private static final String NOT_RETRIED = "; not retried, the same call would fail the same way";

    private final Clock clock;
    private final TreeMap<RepositoryId, RepoState> repositories = new TreeMap<>();
    private final Map<LakeFsOperation, LongAdder> calls = new EnumMap<>(LakeFsOperation.class);
    private final Map<RepositoryCall, LongAdder> repositoryCalls = new ConcurrentHashMap<>();
    private final List<InjectedFailure> failures = new CopyOnWriteArrayList<>();
    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Optional<User> currentUser =
            Optional.of(new User(UserId.of("admin"), Instant.EPOCH, Optional.empty(), Optional.empty()));
    private volatile Optional<Map<UserId, List<Policy>>> policies = Optional.empty();
    private volatile String version = CURRENT_VERSION;
    private long metaRangeCounter;

    /** The version the fake reports unless {@link #setVersion(String)} says otherwise: a current lakeFS. */
    public static final String CURRENT_VERSION = "1.84.0";

    /** The access key of the fake's one user; see {@link #as(String, String)}. */
    public static final String ACCESS_KEY_ID = "AKIAFAKELAKEFSADMIN0";
    public static final String SECRET_ACCESS_KEY = "fake-lakefs-admin-secret";

    /** A lakeFS whose commits are dated by the system clock. */
    public FakeLakeFs() {
        this(Clock.systemUTC());
    }

    /** A lakeFS whose commits are dated by {@code clock} (truncated to whole seconds, as lakeFS stores them). */
    public FakeLakeFs(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        for (LakeFsOperation op : LakeFsOperation.values()) {
            calls.put(op, new LongAdder());
        }
    }

    // ------------------------------------------------------------------ call counting, listeners, failures

    /** Called before every port call (not before helpers), on the calling thread, outside the fake's lock. */
    @FunctionalInterface
    public interface CallListener {
        void beforeCall(LakeFsOperation operation, Optional<RepositoryId> repository);
    }

    private record RepositoryCall(LakeFsOperation operation, RepositoryId repository) {
    }

    /** A failure injected with {@link #fail}; raised while it has attempts left, until {@link #cancel()}. */
    public static final class InjectedFailure {
        private final LakeFsOperation operation;
        private final Optional<RepositoryId> repository;
        private final AtomicInteger remaining;
        private final Supplier<? extends RuntimeException> error;
        private final AtomicInteger raised = new AtomicInteger();

        private InjectedFailure(LakeFsOperation operation, Optional<RepositoryId> repository, int times,
                                Supplier<? extends RuntimeException> error) {
            this.operation = operation;
            this.repository = repository;
            this.remaining = new AtomicInteger(times);
            this.error = error;
        }

        boolean matches(LakeFsOperation op, RepositoryId repo) {
            return op == operation && repository.map(r -> r.equals(repo)).orElse(true);
        }

        boolean take() {
            int left = remaining.getAndUpdate(n -> n > 0 ? n - 1 : n);
            if (left == 0) {
                return false;
            }
            raised.incrementAndGet();
            return true;
        }

        /** Stops raising this failure. */
        public void cancel() {
            remaining.set(0);
        }

        /** How often it was raised. */
        public int raised() {
            return raised.get();
        }
    }

    public void addCallListener(CallListener listener) {
        listeners.add(listener);
    }

    public void removeCallListener(CallListener listener) {
        listeners.remove(listener);
    }

    /** Port calls of {@code operation} so far, failed ones included. */
    public long calls(LakeFsOperation operation) {
        return calls.get(operation).sum();
    }

    /** Port calls of {@code operation} on {@code repository} so far. */
    public long calls(LakeFsOperation operation, RepositoryId repository) {
        LongAdder n = repositoryCalls.get(new RepositoryCall(operation, repository));
        return n == null ? 0 : n.sum();
    }

    /** Every port call so far. */
    public long totalCalls() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Port calls per operation that was called at least once, for reports. */
    public Map<LakeFsOperation, Long> callCounts() {
        Map<LakeFsOperation, Long> out = new EnumMap<>(LakeFsOperation.class);
        calls.forEach((op, n) -> {
            if (n.sum() > 0) {
                out.put(op, n.sum());
            }
        });
        return out;
    }

    public void resetCallCounts() {
        calls.values().forEach(LongAdder::reset);
        repositoryCalls.clear();
    }

    /**
     * Makes {@code operation} (on {@code repository}, or on any repository when empty) throw
     * {@code error} the next {@code times} calls; a negative {@code times} means every call until cancelled.
     */
    public InjectedFailure fail(LakeFsOperation operation, Optional<RepositoryId> repository, int times,
                                Supplier<? extends RuntimeException> error) {
        InjectedFailure failure = new InjectedFailure(operation, repository, times, error);
        failures.add(failure);
        return failure;
    }

    /** Every call of {@code operation} on {@code repository} fails until the returned failure is cancelled. */
    public InjectedFailure failAlways(LakeFsOperation operation, RepositoryId repository,
                                      Supplier<? extends RuntimeException> error) {
        return fail(operation, Optional.of(repository), -1, error);
    }

    /** The next call of {@code operation} on {@code repository} fails. */
    public InjectedFailure failOnce(LakeFsOperation operation, RepositoryId repository,
                                    Supplier<? extends RuntimeException> error) {
        return fail(operation, Optional.of(repository), 1, error);
    }

    public void clearFailures() {
        failures.forEach(InjectedFailure::cancel);
        failures.clear();
    }

    /** What the lakeFS adapter raises for a 503 once its retries are spent. */
    public static Supplier<RuntimeException> serverError(String call) {
        return () -> new RetryableException("lakeFS fake " + call + " failed with HTTP 503: service unavailable");
    }

    /** What the lakeFS adapter raises for a request that timed out. */
    public static Supplier<RuntimeException> timeout(String call) {
        return () -> new RetryableException("lakeFS fake " + call + " failed: timed out (SocketTimeoutException: Read timed out)");
    }

    private void enter(LakeFsOperation operation, RepositoryId repository) {
        calls.get(operation).increment();
        if (repository != null) {
            repositoryCalls.computeIfAbsent(new RepositoryCall(operation, repository), k -> new LongAdder()).increment();
        }
        Optional<RepositoryId> repo = Optional.ofNullable(repository);
        for (CallListener l : listeners) {
            l.beforeCall(operation, repo);
        }
        for (InjectedFailure f : failures) {
            if (f.matches(operation, repository) && f.take()) {
                throw f.error.get();
            }
        }
    }

    // ------------------------------------------------------------------ state

    private record BranchRef(CommitId head, boolean hidden) {
    }

    private static final class RepoState {
        final Repository repository;
        final Map<String, String> metadata = new LinkedHashMap<>();
        final TreeMap<BranchId, BranchRef> branches = new TreeMap<>();
        final Map<CommitId, CommitRecord> commits = new HashMap<>();
        final TreeMap<TagId, CommitId> tags = new TreeMap<>();
        final Map<BranchId, Set<String>> staged = new HashMap<>();

        RepoState(Repository repository) {
            this.repository = repository;
        }
    }

    private static String call(String operation, RepositoryId repository, Object... more) {
        StringBuilder out = new StringBuilder("lakeFS fake ").append(operation).append("(repository ").append(repository);
        for (int i = 0; i + 1 < more.length; i += 2) {
            out.append(", ").append(more[i]).append(' ').append(more[i + 1]);
        }
        return out.append(')').toString();
    }

    private RepoState repo(RepositoryId id, String call) {
        RepoState repo = repositories.get(id);
        if (repo == null) {
            throw new NotFoundException(call + " failed with HTTP 404: repository not found" + NOT_RETRIED);
        }
        return repo;
    }

    private static void checkWritable(RepoState repo, boolean force, String call) {
        if (repo.repository.readOnly() && !force) {
            throw new ReadOnlyRepositoryException(call + " failed with HTTP 403: read-only repository" + NOT_RETRIED);
        }
    }

    // ------------------------------------------------------------------ repositories

    @Override
    public Repository createRepository(RepositoryCreation creation) {
        enter(LakeFsOperation.CREATE_REPOSITORY, creation.id());
        synchronized (this) {
            String call = call("createRepository", creation.id());
            if (repositories.containsKey(creation.id())) {
                throw new AlreadyExistsException(call + " failed with HTTP 409: repository already exists" + NOT_RETRIED);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            // lakeFS before 1.11.0 dropped read_only of a bare repository (treeverse/lakeFS#7458).
            boolean readOnly = creation.readOnly() && !(creation.bare() && dropsReadOnlyOfBareRepositories());
            Repository repository = new Repository(creation.id(), creation.storageNamespace().value(),
                    creation.defaultBranch(), now, readOnly);
            RepoState repo = new RepoState(repository);
            if (!creation.bare()) {
                CommitRecord initial = newCommit(List.of(), "", "Repository created", Map.of(), Optional.empty(), now, 1);
                repo.commits.put(initial.id(), initial);
                repo.branches.put(creation.defaultBranch(), new BranchRef(initial.id(), false));
            }
            repositories.put(creation.id(), repo);
            return repository;
        }
    }

    @Override
    public Repository getRepository(RepositoryId repository) {
        enter(LakeFsOperation.GET_REPOSITORY, repository);
        synchronized (this) {
            return repo(repository, call("getRepository", repository)).repository;
        }
    }

    @Override
    public Page<Repository> listRepositories(PageRequest page) {
        enter(LakeFsOperation.LIST_REPOSITORIES, null);
        synchronized (this) {
            return namePage(repositories, page, RepositoryId::value, keyOf(RepositoryId.RULE::accepts, RepositoryId::of),
                    r -> true).map(id -> repositories.get(id).repository);
        }
    }

    @Override
    public void deleteRepository(RepositoryId repository, boolean force) {
        enter(LakeFsOperation.DELETE_REPOSITORY, repository);
        synchronized (this) {
            String call = call("deleteRepository", repository, "force", force);
            checkWritable(repo(repository, call), force, call);
            repositories.remove(repository);
        }
    }

    @Override
    public Map<String, String> getRepositoryMetadata(RepositoryId repository) {
        enter(LakeFsOperation.GET_REPOSITORY_METADATA, repository);
        synchronized (this) {
            return Map.copyOf(repo(repository, call("getRepositoryMetadata", repository)).metadata);
        }
    }

    @Override
    public void setRepositoryMetadata(RepositoryId repository, Map<String, String> metadata) {
        enter(LakeFsOperation.SET_REPOSITORY_METADATA, repository);
        synchronized (this) {
            repo(repository, call("setRepositoryMetadata", repository)).metadata.putAll(metadata);
        }
    }

    // ------------------------------------------------------------------ branches

    @Override
    public Page<Branch> listBranches(RepositoryId repository, PageRequest page, boolean showHidden) {
        enter(LakeFsOperation.LIST_BRANCHES, repository);
        synchronized (this) {
            RepoState repo = repo(repository, call("listBranches", repository));
            return namePage(repo.branches, page, BranchId::value, keyOf(BranchId.RULE::accepts, BranchId::of),
                    ref -> showHidden || !ref.hidden()).map(id -> new Branch(id, repo.branches.get(id).head()));
        }
    }

    @Override
    public CommitId createBranch(RepositoryId repository, BranchId branch, Ref source, boolean force) {
        enter(LakeFsOperation.CREATE_BRANCH, repository);
        synchronized (this) {
            return putBranch(repository, branch, source, force, false);
        }
    }

    @Override
    public CommitId createHiddenBranch(RepositoryId repository, BranchId branch, Ref source, boolean force) {
        enter(LakeFsOperation.CREATE_BRANCH, repository);
        synchronized (this) {
            return putBranch(repository, branch, source, force, true);
        }
    }

    private CommitId putBranch(RepositoryId repository, BranchId branch, Ref source, boolean force, boolean hidden) {
        String call = call("createBranch", repository, "branch", branch, "source", source);
        RepoState repo = repo(repository, call);
        checkWritable(repo, force, call);
        if (repo.branches.containsKey(branch)) {
            throw new AlreadyExistsException(call + " failed with HTTP 409: branch already exists" + NOT_RETRIED);
        }
        CommitId head = resolve(repo, source, call);
        repo.branches.put(branch, new BranchRef(head, hidden));
        return head;
    }

    @Override
    public Branch getBranch(RepositoryId repository, BranchId branch) {
        enter(LakeFsOperation.GET_BRANCH, repository);
        synchronized (this) {
            String call = call("getBranch", repository, "branch", branch);
            return new Branch(branch, branchRef(repo(repository, call), branch, call).head());
        }
    }

    private static BranchRef branchRef(RepoState repo, BranchId branch, String call) {
        BranchRef ref = repo.branches.get(branch);
        if (ref == null) {
            throw new NotFoundException(call + " failed with HTTP 404: branch not found" + NOT_RETRIED);
        }
        return ref;
    }

    @Override
    public void deleteBranch(RepositoryId repository, BranchId branch, boolean force) {
        enter(LakeFsOperation.DELETE_BRANCH, repository);
        synchronized (this) {
            String call = call("deleteBranch", repository, "branch", branch, "force", force);
            RepoState repo = repo(repository, call);
            checkWritable(repo, force, call);
            branchRef(repo, branch, call);
            if (branch.equals(repo.repository.defaultBranch())) {
                throw new AuthorizationException(call + " failed with HTTP 403: cannot delete the default branch"
                        + NOT_RETRIED);
            }
            repo.branches.remove(branch);
            repo.staged.remove(branch);
        }
    }

    @Override
    public void hardResetBranch(RepositoryId repository, BranchId branch, Ref target, boolean force) {
        enter(LakeFsOperation.HARD_RESET_BRANCH, repository);
        synchronized (this) {
            String call = call("hardResetBranch", repository, "branch", branch, "ref", target, "force", force);
            RepoState repo = repo(repository, call);
            BranchRef current = branchRef(repo, branch, call);
            checkWritable(repo, force, call);
            if (!repo.staged.getOrDefault(branch, Set.of()).isEmpty()) {
                throw new InvalidInputException(call + " failed with HTTP 400: dirty branch: uncommitted changes on "
                        + branch + NOT_RETRIED);
            }
            repo.branches.put(branch, new BranchRef(resolve(repo, target, call), current.hidden()));
        }
    }

    // ------------------------------------------------------------------ commits

    @Override
    public Page<CommitRecord> logCommits(RepositoryId repository, Ref ref, LogRequest request) {
        enter(LakeFsOperation.LOG_COMMITS, repository);
        synchronized (this) {
            String call = call("logCommits", repository, "ref", ref);
            RepoState repo = repo(repository, call);
            CommitId start = resolve(repo, ref, call);
            Optional<CommitId> stopAt = request.stopAt().map(r -> resolve(repo, r, call));
            PriorityQueue<CommitRecord> queue = new PriorityQueue<>(LOG_ORDER);
            Set<CommitId> seen = new HashSet<>();
            queue.add(repo.commits.get(start));
            seen.add(start);
            boolean skipping = request.after().isPresent();
            List<CommitRecord> out = new ArrayList<>();
            while (!queue.isEmpty()) {
                CommitRecord c = queue.poll();
                if (request.since().isPresent() && c.creationDate().isBefore(request.since().get())) {
                    break;
                }
                if (!skipping && out.size() == request.amount()) {
                    return request.limit()
                            ? Page.last(out)
                            : new Page<>(out, true, out.get(out.size() - 1).id().value());
                }
                if (skipping) {
                    skipping = !c.id().equals(request.after().get());
                } else {
                    out.add(c);
                }
                if (stopAt.isPresent() && c.id().equals(stopAt.get())) {
                    break;
                }
                List<CommitId> parents = request.firstParent() && !c.parents().isEmpty()
                        ? c.parents().subList(0, 1) : c.parents();
                for (CommitId parent : parents) {
                    if (seen.add(parent)) {
                        CommitRecord p = repo.commits.get(parent);
                        if (p == null) {
                            throw new NotFoundException(call + " failed with HTTP 404: commit " + parent
                                    + " (parent of " + c.id() + ") not found" + NOT_RETRIED);
                        }
                        queue.add(p);
                    }
                }
            }
            return Page.last(out);
        }
    }

    @Override
    public CommitRecord getCommit(RepositoryId repository, Ref ref) {
        enter(LakeFsOperation.GET_COMMIT, repository);
        synchronized (this) {
            String call = call("getCommit", repository, "ref", ref);
            RepoState repo = repo(repository, call);
            return repo.commits.get(resolve(repo, ref, call));
        }
    }

    @Override
    public void createCommitRecord(RepositoryId repository, CommitRecord commit, boolean force) {
        enter(LakeFsOperation.CREATE_COMMIT_RECORD, repository);
        synchronized (this) {
            String call = call("createCommitRecord", repository, "commit", commit.id());
            RepoState repo = repo(repository, call);
            checkWritable(repo, force, call);
            if (!CommitIds.of(commit).equals(commit.id())) {
                throw new InvalidInputException(call + " failed with HTTP 400: commit id: invalid value: validation error"
                        + NOT_RETRIED);
            }
            if (repo.commits.containsKey(commit.id())) {
                throw new AlreadyExistsException(call + " failed with HTTP 409: commit already exists: not unique"
                        + NOT_RETRIED);
            }
            repo.commits.put(commit.id(), commit);
        }
    }

    // ------------------------------------------------------------------ tags

    @Override
    public Page<Tag> listTags(RepositoryId repository, PageRequest page) {
        enter(LakeFsOperation.LIST_TAGS, repository);
        synchronized (this) {
            RepoState repo = repo(repository, call("listTags", repository));
            return namePage(repo.tags, page, TagId::value, keyOf(TagId.RULE::accepts, TagId::of), c -> true).map(id -> new Tag(id, repo.tags.get(id)));
        }
    }

    @Override
    public Tag createTag(RepositoryId repository, TagId tag, Ref target, boolean force) {
        enter(LakeFsOperation.CREATE_TAG, repository);
        synchronized (this) {
            String call = call("createTag", repository, "tag", tag, "ref", target);
            RepoState repo = repo(repository, call);
            checkWritable(repo, force, call);
            if (repo.tags.containsKey(tag)) {
                throw new AlreadyExistsException(call + " failed with HTTP 409: tag already exists" + NOT_RETRIED);
            }
            CommitId commit = resolve(repo, target, call);
            repo.tags.put(tag, commit);
            return new Tag(tag, commit);
        }
    }

    @Override
    public Tag getTag(RepositoryId repository, TagId tag) {
        enter(LakeFsOperation.GET_TAG, repository);
        synchronized (this) {
            String call = call("getTag", repository, "tag", tag);
            CommitId commit = repo(repository, call).tags.get(tag);
            if (commit == null) {
                throw new NotFoundException(call + " failed with HTTP 404: tag not found" + NOT_RETRIED);
            }
            return new Tag(tag, commit);
        }
    }

    @Override
    public void deleteTag(RepositoryId repository, TagId tag, boolean force) {
        enter(LakeFsOperation.DELETE_TAG, repository);
        synchronized (this) {
            String call = call("deleteTag", repository, "tag", tag, "force", force);
            RepoState repo = repo(repository, call);
            checkWritable(repo, force, call);
            if (repo.tags.remove(tag) == null) {
                throw new NotFoundException(call + " failed with HTTP 404: tag not found" + NOT_RETRIED);
            }
        }
    }

    // ------------------------------------------------------------------ auth

    @Override
    public Optional<User> currentUser() {
        enter(LakeFsOperation.CURRENT_USER, null);
        return currentUser;
    }

    @Override
    public Page<Policy> effectivePolicies(UserId user, PageRequest page) {
        enter(LakeFsOperation.EFFECTIVE_POLICIES, null);
        Map<UserId, List<Policy>> all = policies.orElseThrow(() -> new NotImplementedException(
                "lakeFS fake effectivePolicies(user " + user + ") failed with HTTP 501: not implemented" + NOT_RETRIED));
        TreeMap<String, Policy> byId = new TreeMap<>();
        all.getOrDefault(user, List.of()).forEach(p -> byId.put(p.id(), p));
        return namePage(byId, page, Function.identity(), Optional::of, p -> true).map(byId::get);
    }

    /**
     * This lakeFS as seen with the given credentials: itself for {@link #ACCESS_KEY_ID} /
     * {@link #SECRET_ACCESS_KEY}, otherwise a client whose every call fails authentication (401), as
     * lakeFS answers unknown keys or wrong secrets.
     */
    public LakeFs as(String accessKeyId, String secretAccessKey) {
        if (ACCESS_KEY_ID.equals(accessKeyId) && SECRET_ACCESS_KEY.equals(secretAccessKey)) {
            return this;
        }
        return (LakeFs) Proxy.newProxyInstance(LakeFs.class.getClassLoader(), new Class<?>[] {LakeFs.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "FakeLakeFs as " + accessKeyId;
                        };
                    }
                    throw new AuthenticationException("lakeFS fake " + method.getName() + " failed with HTTP 401:"
                            + " error authenticating request; check the access key id and secret" + NOT_RETRIED);
                });
    }

    @Override
    public String version() {
        enter(LakeFsOperation.VERSION, null);
        return version;
    }

    /**
     * Reports {@code lakeFsVersion} from {@link #version()} and behaves as that lakeFS where the
     * service depends on it: below 1.11.0, a bare repository is created writable whatever
     * {@code read_only} asks.
     */
    public void setVersion(String lakeFsVersion) {
        version = Objects.requireNonNull(lakeFsVersion, "lakeFsVersion");
    }

    private boolean dropsReadOnlyOfBareRepositories() {
        return LakeFsVersion.parse(version).map(v -> !v.isAtLeast(LakeFsVersion.MINIMUM)).orElse(false);
    }

    /** The user every call is made as; empty = lakeFS served calls without a user. */
    public void setCurrentUser(Optional<User> user) {
        currentUser = Objects.requireNonNull(user, "user");
    }

    /** Serves RBAC like lakeFS Enterprise: these are each user's effective policies. */
    public void usePolicies(Map<UserId, List<Policy>> effective) {
        policies = Optional.of(Map.copyOf(effective));
    }

    // ------------------------------------------------------------------ test helpers (not counted, never failing)

    /** Creates a writable repository with an initial commit on {@code main}, in {@code s3://fake-lakefs/<repo>}. */
    public Repository createRepository(RepositoryId id) {
        return createRepository(RepositoryCreation.of(id, StorageNamespace.of("s3://" + BUCKET + "/" + id)));
    }

    /** Commits on {@code branch} with a fresh metarange, as the current user, dated by the fake's clock. */
    public CommitRecord commit(RepositoryId repository, BranchId branch, String message) {
        return commit(repository, branch, CommitSpec.message(message));
    }

    public CommitRecord commit(RepositoryId repository, BranchId branch, String message, Map<String, String> metadata) {
        return commit(repository, branch, CommitSpec.message(message).metadata(metadata));
    }

    /** Commits on {@code branch} (parent: its head); refuses read-only repositories as lakeFS does without force. */
    public synchronized CommitRecord commit(RepositoryId repository, BranchId branch, CommitSpec spec) {
        String call = call("commit", repository, "branch", branch);
        RepoState repo = repo(repository, call);
        checkWritable(repo, false, call);
        BranchRef ref = branchRef(repo, branch, call);
        CommitRecord c = commitOn(repo, List.of(ref.head()), spec);
        repo.branches.put(branch, new BranchRef(c.id(), ref.hidden()));
        repo.staged.remove(branch);
        return c;
    }

    /** Leaves an uncommitted change on {@code branch} (lakeFS then refuses to hard-reset it); the next commit clears it. */
    public synchronized void stage(RepositoryId repository, BranchId branch, String path) {
        String call = call("stage", repository, "branch", branch);
        RepoState repo = repo(repository, call);
        branchRef(repo, branch, call);
        repo.staged.computeIfAbsent(branch, b -> new HashSet<>()).add(path);
    }

    /** Merges {@code source} into {@code destination}: a commit whose parents are the destination head, then the source. */
    public CommitRecord merge(RepositoryId repository, Ref source, BranchId destination, String message) {
        return merge(repository, source, destination, CommitSpec.message(message));
    }

    public synchronized CommitRecord merge(RepositoryId repository, Ref source, BranchId destination, CommitSpec spec) {
        String call = call("merge", repository, "source", source, "destination", destination);
        RepoState repo = repo(repository, call);
        checkWritable(repo, false, call);
        BranchRef ref = branchRef(repo, destination, call);
        CommitRecord c = commitOn(repo, List.of(ref.head(), resolve(repo, source, call)), spec);
        repo.branches.put(destination, new BranchRef(c.id(), ref.hidden()));
        return c;
    }

    /** Stores a commit with the given parents without moving any branch (for example a dangling DAG). */
    public synchronized CommitRecord addCommit(RepositoryId repository, List<CommitId> parents, CommitSpec spec) {
        return commitOn(repo(repository, call("addCommit", repository)), parents, spec);
    }

    /** Creates a branch that listings show only with {@code showHidden}. */
    public synchronized CommitId createHiddenBranch(RepositoryId repository, BranchId branch, Ref source) {
        return putBranch(repository, branch, source, true, true);
    }

    /** Points {@code branch} at {@code commit}, creating it when absent, regardless of read-only. */
    public synchronized void setBranch(RepositoryId repository, BranchId branch, CommitId commit) {
        String call = call("setBranch", repository, "branch", branch);
        RepoState repo = repo(repository, call);
        resolve(repo, commit.asRef(), call);
        BranchRef current = repo.branches.get(branch);
        repo.branches.put(branch, new BranchRef(commit, current != null && current.hidden()));
    }

    /** Removes a branch, the default one included, regardless of read-only. */
    public synchronized void removeBranch(RepositoryId repository, BranchId branch) {
        repo(repository, call("removeBranch", repository)).branches.remove(branch);
    }

    /** Removes a repository, as if someone deleted it behind the service's back. */
    public synchronized void removeRepository(RepositoryId repository) {
        repositories.remove(repository);
    }

    /** The head of a branch. */
    public synchronized CommitId head(RepositoryId repository, BranchId branch) {
        String call = call("head", repository, "branch", branch);
        return branchRef(repo(repository, call), branch, call).head();
    }

    /** A stored commit. */
    public synchronized CommitRecord commitRecord(RepositoryId repository, CommitId commit) {
        String call = call("commitRecord", repository, "commit", commit);
        CommitRecord c = repo(repository, call).commits.get(commit);
        if (c == null) {
            throw new NotFoundException(call + ": commit not stored");
        }
        return c;
    }

    /** Every commit stored in a repository, reachable or not. */
    public synchronized Set<CommitId> commitIds(RepositoryId repository) {
        return Set.copyOf(repo(repository, call("commitIds", repository)).commits.keySet());
    }

    /** Every ancestor of {@code commit}, itself included. */
    public synchronized Set<CommitId> ancestors(RepositoryId repository, CommitId commit) {
        RepoState repo = repo(repository, call("ancestors", repository));
        Set<CommitId> seen = new HashSet<>();
        List<CommitId> todo = new ArrayList<>(List.of(commit));
        while (!todo.isEmpty()) {
            CommitId id = todo.remove(todo.size() - 1);
            CommitRecord c = repo.commits.get(id);
            if (c != null && seen.add(id)) {
                todo.addAll(c.parents());
            }
        }
        return seen;
    }

    /** Branch names and heads, hidden ones included. */
    public synchronized Map<BranchId, CommitId> branches(RepositoryId repository) {
        Map<BranchId, CommitId> out = new TreeMap<>();
        repo(repository, call("branches", repository)).branches.forEach((b, ref) -> out.put(b, ref.head()));
        return out;
    }

    private CommitRecord commitOn(RepoState repo, List<CommitId> parents, CommitSpec spec) {
        long generation = 1;
        for (CommitId parent : parents) {
            CommitRecord p = repo.commits.get(parent);
            if (p == null) {
                throw new NotFoundException("lakeFS fake commit: parent " + parent + " not found in "
                        + repo.repository.id());
            }
            generation = Math.max(generation, p.generation() + 1);
        }
        Instant date = spec.date().orElseGet(clock::instant).truncatedTo(ChronoUnit.SECONDS);
        String committer = spec.committer().orElseGet(() -> currentUser.map(User::committer).orElse(""));
        MetaRangeId metaRange = spec.metaRangeId().orElseGet(this::nextMetaRangeId);
        CommitRecord c = newCommit(parents, committer, spec.message(), spec.metadata(), Optional.of(metaRange), date,
                generation);
        repo.commits.putIfAbsent(c.id(), c);
        return c;
    }

    private static CommitRecord newCommit(List<CommitId> parents, String committer, String message,
                                          Map<String, String> metadata, Optional<MetaRangeId> metaRange, Instant date,
                                          long generation) {
        String id = CommitIds.compute(committer, message, metaRange.map(MetaRangeId::value).orElse(""),
                date.getEpochSecond(), metadata, parents.stream().map(CommitId::value).toList());
        return new CommitRecord(CommitId.of(id), parents, committer, message, metaRange, date, metadata, generation, 1);
    }

    private MetaRangeId nextMetaRangeId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("fake-metarange-" + ++metaRangeCounter).getBytes(StandardCharsets.UTF_8));
            return MetaRangeId.of(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    // ------------------------------------------------------------------ refs and pages

    private static CommitId resolve(RepoState repo, Ref ref, String call) {
        Matcher m = EXPRESSION.matcher(ref.value());
        if (!m.matches()) {
            throw new InvalidInputException(call + " failed with HTTP 400: invalid ref " + ref + NOT_RETRIED);
        }
        CommitId commit = resolveBase(repo, m.group(1), call);
        Matcher modifier = MODIFIER.matcher(m.group(2));
        while (modifier.find()) {
            int n = modifier.group(2).isEmpty() ? 1 : Integer.parseInt(modifier.group(2));
            if (modifier.group(1).equals("~")) {
                for (int i = 0; i < n; i++) {
                    commit = parent(repo, commit, 1, ref, call);
                }
            } else if (n > 0) {
                commit = parent(repo, commit, n, ref, call);
            }
        }
        return commit;
    }

    private static CommitId parent(RepoState repo, CommitId commit, int n, Ref ref, String call) {
        List<CommitId> parents = repo.commits.get(commit).parents();
        if (parents.size() < n) {
            throw new NotFoundException(call + " failed with HTTP 404: ref " + ref + " not found" + NOT_RETRIED);
        }
        return parents.get(n - 1);
    }

    private static CommitId resolveBase(RepoState repo, String base, String call) {
        if (FULL_ID.matcher(base).matches() && repo.commits.containsKey(CommitId.of(base))) {
            return CommitId.of(base);
        }
        if (BranchId.RULE.accepts(base)) {
            BranchRef branch = repo.branches.get(BranchId.of(base));
            if (branch != null) {
                return branch.head();
            }
        }
        if (TagId.RULE.accepts(base)) {
            CommitId tagged = repo.tags.get(TagId.of(base));
            if (tagged != null) {
                return tagged;
            }
        }
        if (ID_PREFIX.matcher(base).matches()) {
            List<CommitId> matches = repo.commits.keySet().stream().filter(id -> id.value().startsWith(base)).toList();
            if (matches.size() > 1) {
                throw new InvalidInputException(call + " failed with HTTP 400: commit id prefix " + base
                        + " is ambiguous" + NOT_RETRIED);
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
        }
        throw new NotFoundException(call + " failed with HTTP 404: ref " + base + " not found" + NOT_RETRIED);
    }

    /**
     * A lakeFS page of name-ordered keys: names with the prefix, after {@code after}, {@code amount} at
     * most, skipping values that are not {@code shown}. Keys order like their names.
     */
    private static <K, V> Page<K> namePage(NavigableMap<K, V> items, PageRequest page, Function<K, String> name,
                                           Function<String, Optional<K>> key, Predicate<V> shown) {
        NavigableMap<K, V> tail = items;
        if (!page.after().isEmpty()) {
            Optional<K> after = key.apply(page.after());
            if (after.isPresent()) {
                tail = items.tailMap(after.get(), false);
            }
        }
        List<K> out = new ArrayList<>();
        for (Map.Entry<K, V> e : tail.entrySet()) {
            String n = name.apply(e.getKey());
            if (!n.startsWith(page.prefix()) || (!page.after().isEmpty() && n.compareTo(page.after()) <= 0)
                    || !shown.test(e.getValue())) {
                continue;
            }
            if (out.size() == page.amount()) {
                return new Page<>(out, true, name.apply(out.get(out.size() - 1)));
            }
            out.add(e.getKey());
        }
        return Page.last(out);
    }

    private static <K> Function<String, Optional<K>> keyOf(Predicate<String> valid, Function<String, K> parse) {
        return s -> valid.test(s) ? Optional.of(parse.apply(s)) : Optional.empty();
    }
}
