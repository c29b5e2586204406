package io.lakemirror.lakefs.sdk;

import com.google.gson.JsonParseException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.lakefs.clients.sdk.ApiClient;
import io.lakefs.clients.sdk.ApiException;
import io.lakefs.clients.sdk.AuthApi;
import io.lakefs.clients.sdk.BranchesApi;
import io.lakefs.clients.sdk.CommitsApi;
import io.lakefs.clients.sdk.ExperimentalApi;
import io.lakefs.clients.sdk.InternalApi;
import io.lakefs.clients.sdk.RefsApi;
import io.lakefs.clients.sdk.RepositoriesApi;
import io.lakefs.clients.sdk.TagsApi;
import io.lakefs.clients.sdk.model.BranchCreation;
import io.lakefs.clients.sdk.model.RepositoryMetadataSet;
import io.lakefs.clients.sdk.model.TagCreation;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.DeadlineExceededException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.Ref;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.TagId;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.Deadline;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.Repository;
import io.lakemirror.lakefs.RepositoryCreation;
import io.lakemirror.lakefs.Tag;
import io.lakemirror.lakefs.User;
import io.lakemirror.lakefs.UserId;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LakeFs} over the official Java SDK {@code io.lakefs:sdk}, with HTTP Basic auth. Failures
 * become domain exceptions; transient ones (5xx, 429, timeouts, I/O) are retried with exponential
 * backoff as {@link Settings} say, everything else fails at once. Thread-safe; {@link #close()}
 * releases the HTTP connections and threads.
 *
 * <p>A {@linkplain #bounded(Deadline) bounded view} shares the connections and holds every call to
 * its deadline: an attempt is not started once the deadline has passed, each request's connect,
 * read and write timeouts are cut to the time left, a watchdog cancels a request still running at
 * the deadline, and a retry is made only when its backoff ends before the deadline. Whatever the
 * settings, the caller has its answer (or a {@link DeadlineExceededException}) by the deadline plus
 * the watchdog's scheduling delay.
 */
public final class SdkLakeFs implements LakeFs, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SdkLakeFs.class);
    private static final String API_PATH = "/api/v1";
    /** The bounded call running on this thread, seen by the interceptor (the SDK executes on the caller's thread). */
    private static final ThreadLocal<CallGuard> GUARD = new ThreadLocal<>();

    private final String endpoint;
    private final ApiClient client;
    private final Retry retry;
    private final Settings settings;
    private final IntervalFunction backoff;
    private final ScheduledThreadPoolExecutor watchdog;
    /** Null for the client itself; a bounded view's deadline otherwise. */
    private final Deadline deadline;
    private final boolean ownsResources;
    private final RepositoriesApi repositories;
    private final BranchesApi branches;
    private final RefsApi refs;
    private final CommitsApi commits;
    private final InternalApi internal;
    private final ExperimentalApi experimental;
    private final TagsApi tags;
    private final AuthApi auth;

    /**
     * Timeouts and retries.
     *
     * @param connectTimeout   to open a connection
     * @param readTimeout      between bytes of a response
     * @param writeTimeout     between bytes of a request
     * @param maxAttempts      attempts per call, the first included (1 = no retry)
     * @param initialBackoff   wait before the second attempt
     * @param backoffMultiplier growth of the wait per attempt
     * @param maxBackoff       longest wait between attempts
     */
    public record Settings(Duration connectTimeout, Duration readTimeout, Duration writeTimeout, int maxAttempts,
                           Duration initialBackoff, double backoffMultiplier, Duration maxBackoff) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(60), 3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));

        public Settings {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(writeTimeout, "writeTimeout");
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (maxAttempts < 1) {
                throw new InvalidInputException("lakeFS client max attempts must be at least 1, got " + maxAttempts);
            }
            if (initialBackoff.isNegative() || initialBackoff.isZero() || backoffMultiplier < 1.0) {
                throw new InvalidInputException("lakeFS client backoff must start above zero and not shrink, got "
                        + initialBackoff + " x" + backoffMultiplier);
            }
        }

        public Settings withMaxAttempts(int attempts) {
            return new Settings(connectTimeout, readTimeout, writeTimeout, attempts, initialBackoff,
                    backoffMultiplier, maxBackoff);
        }

        public Settings withBackoff(Duration initial, double multiplier, Duration max) {
            return new Settings(connectTimeout, readTimeout, writeTimeout, maxAttempts, initial, multiplier, max);
        }

        public Settings withReadTimeout(Duration read) {
            return new Settings(connectTimeout, read, writeTimeout, maxAttempts, initialBackoff, backoffMultiplier,
                    maxBackoff);
        }
    }

    private SdkLakeFs(URI endpoint, String accessKeyId, Secret secretAccessKey, Settings settings) {
        this.endpoint = baseUrl(endpoint);
        this.settings = settings;
        this.deadline = null;
        this.ownsResources = true;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lakefs-deadline-" + this.endpoint);
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .writeTimeout(settings.writeTimeout())
                .addInterceptor(this::holdToDeadline)
                .build();
        this.client = new ApiClient(http);
        client.setBasePath(this.endpoint + API_PATH);
        client.setUsername(accessKeyId);
        client.setPassword(secretAccessKey.reveal());
        client.setUserAgent("lakemirror");
        this.backoff = IntervalFunction.ofExponentialBackoff(settings.initialBackoff(), settings.backoffMultiplier(),
                settings.maxBackoff());
        this.retry = Retry.of("lakefs " + this.endpoint, RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(backoff)
                .retryOnException(e -> e instanceof RetryableException)
                .build());
        retry.getEventPublisher().onRetry(event -> LOG.debug("retrying lakeFS call in {} (attempt {}): {}",
                event.getWaitInterval(), event.getNumberOfRetryAttempts() + 1,
                event.getLastThrowable() == null ? "" : event.getLastThrowable().getMessage()));
        this.repositories = new RepositoriesApi(client);
        this.branches = new BranchesApi(client);
        this.refs = new RefsApi(client);
        this.commits = new CommitsApi(client);
        this.internal = new InternalApi(client);
        this.experimental = new ExperimentalApi(client);
        this.tags = new TagsApi(client);
        this.auth = new AuthApi(client);
    }

    /** A view of {@code parent} held to {@code deadline}, sharing its connections, APIs and watchdog. */
    private SdkLakeFs(SdkLakeFs parent, Deadline deadline) {
        this.endpoint = parent.endpoint;
        this.client = parent.client;
        this.retry = parent.retry;
        this.settings = parent.settings;
        this.backoff = parent.backoff;
        this.watchdog = parent.watchdog;
        this.deadline = deadline;
        this.ownsResources = false;
        this.repositories = parent.repositories;
        this.branches = parent.branches;
        this.refs = parent.refs;
        this.commits = parent.commits;
        this.internal = parent.internal;
        this.experimental = parent.experimental;
        this.tags = parent.tags;
        this.auth = parent.auth;
    }

    @Override
    public LakeFs bounded(Deadline until) {
        Objects.requireNonNull(until, "until");
        return new SdkLakeFs(this, deadline == null ? until : deadline.earliest(until));
    }

    /**
     * A client of the lakeFS at {@code endpoint} (its base URL, without {@code /api/v1}).
     *
     * @param accessKeyId     the user's access key id
     * @param secretAccessKey its secret
     */
    public static SdkLakeFs create(URI endpoint, String accessKeyId, Secret secretAccessKey, Settings settings) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(settings, "settings");
        return new SdkLakeFs(endpoint, accessKeyId, secretAccessKey, settings);
    }

    public static SdkLakeFs create(URI endpoint, String accessKeyId, Secret secretAccessKey) {
        return create(endpoint, accessKeyId, secretAccessKey, Settings.DEFAULTS);
    }

    /** The base URL this client talks to. */
    public URI endpoint() {
        return URI.create(endpoint);
    }

    private static String baseUrl(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new InvalidInputException("lakeFS endpoint " + endpoint + " must be an http or https URL");
        }
        String s = endpoint.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.endsWith(API_PATH) ? s.substring(0, s.length() - API_PATH.length()) : s;
    }

    // ---- repositories

    @Override
    public Repository createRepository(RepositoryCreation creation) {
        io.lakefs.clients.sdk.model.RepositoryCreation body = new io.lakefs.clients.sdk.model.RepositoryCreation()
                .name(creation.id().value())
                .storageNamespace(creation.storageNamespace().value())
                .defaultBranch(creation.defaultBranch().value())
                .readOnly(creation.readOnly());
        return call("createRepository", "repository " + creation.id(),
                () -> SdkModels.repository(repositories.createRepository(body).bare(creation.bare()).execute()));
    }

    @Override
    public Repository getRepository(RepositoryId repository) {
        return call("getRepository", "repository " + repository,
                () -> SdkModels.repository(repositories.getRepository(repository.value()).execute()));
    }

    @Override
    public Page<Repository> listRepositories(PageRequest page) {
        return call("listRepositories", "after \"" + page.after() + "\"", () -> {
            var list = repositories.listRepositories()
                    .prefix(page.prefix()).after(page.after()).amount(page.amount()).execute();
            return SdkModels.page(list.getPagination(), list.getResults(), SdkModels::repository);
        });
    }

    @Override
    public void deleteRepository(RepositoryId repository, boolean force) {
        run("deleteRepository", "repository " + repository,
                () -> repositories.deleteRepository(repository.value()).force(force).execute());
    }

    @Override
    public Map<String, String> getRepositoryMetadata(RepositoryId repository) {
        return call("getRepositoryMetadata", "repository " + repository, () -> {
            Map<String, String> metadata = repositories.getRepositoryMetadata(repository.value()).execute();
            return metadata == null ? Map.of() : Map.copyOf(metadata);
        });
    }

    @Override
    public void setRepositoryMetadata(RepositoryId repository, Map<String, String> metadata) {
        RepositoryMetadataSet body = new RepositoryMetadataSet().metadata(new HashMap<>(metadata));
        run("setRepositoryMetadata", "repository " + repository,
                () -> internal.setRepositoryMetadata(repository.value(), body).execute());
    }

    // ---- branches

    @Override
    public Page<Branch> listBranches(RepositoryId repository, PageRequest page, boolean showHidden) {
        return call("listBranches", "repository " + repository + ", after \"" + page.after() + "\"", () -> {
            var list = branches.listBranches(repository.value())
                    .prefix(page.prefix()).after(page.after()).amount(page.amount()).showHidden(showHidden)
                    .execute();
            return SdkModels.page(list.getPagination(), list.getResults(), SdkModels::branch);
        });
    }

    @Override
    public CommitId createBranch(RepositoryId repository, BranchId branch, Ref source, boolean force) {
        return createBranch(repository, branch, source, force, false);
    }

    @Override
    public CommitId createHiddenBranch(RepositoryId repository, BranchId branch, Ref source, boolean force) {
        return createBranch(repository, branch, source, force, true);
    }

    private CommitId createBranch(RepositoryId repository, BranchId branch, Ref source, boolean force, boolean hidden) {
        BranchCreation body = new BranchCreation().name(branch.value()).source(source.value()).force(force).hidden(hidden);
        return call("createBranch", "repository " + repository + ", branch " + branch + " at " + source,
                () -> CommitId.of(branches.createBranch(repository.value(), body).execute().strip()));
    }

    @Override
    public Branch getBranch(RepositoryId repository, BranchId branch) {
        return call("getBranch", "repository " + repository + ", branch " + branch,
                () -> SdkModels.branch(branches.getBranch(repository.value(), branch.value()).execute()));
    }

    @Override
    public void deleteBranch(RepositoryId repository, BranchId branch, boolean force) {
        run("deleteBranch", "repository " + repository + ", branch " + branch,
                () -> branches.deleteBranch(repository.value(), branch.value()).force(force).execute());
    }

    @Override
    public void hardResetBranch(RepositoryId repository, BranchId branch, Ref target, boolean force) {
        run("hardResetBranch", "repository " + repository + ", branch " + branch + " to " + target,
                () -> experimental.hardResetBranch(repository.value(), branch.value(), target.value())
                        .force(force).execute());
    }

    // ---- commits

    @Override
    public Page<CommitRecord> logCommits(RepositoryId repository, Ref ref, LogRequest request) {
        return call("logCommits", "repository " + repository + ", ref " + ref
                + request.after().map(a -> ", after " + a).orElse(""), () -> {
                    var req = refs.logCommits(repository.value(), ref.value())
                            .amount(request.amount())
                            .firstParent(request.firstParent())
                            .limit(request.limit());
                    request.after().ifPresent(a -> req.after(a.value()));
                    request.stopAt().ifPresent(s -> req.stopAt(s.value()));
                    request.since().ifPresent(s -> req.since(s.atOffset(ZoneOffset.UTC)));
                    var list = req.execute();
                    return SdkModels.page(list.getPagination(), list.getResults(), SdkModels::commit);
                });
    }

    @Override
    public CommitRecord getCommit(RepositoryId repository, Ref ref) {
        return call("getCommit", "repository " + repository + ", ref " + ref,
                () -> SdkModels.commit(commits.getCommit(repository.value(), ref.value()).execute()));
    }

    @Override
    public void createCommitRecord(RepositoryId repository, CommitRecord commit, boolean force) {
        var body = SdkModels.commitRecordCreation(commit, force);
        run("createCommitRecord", "repository " + repository + ", commit " + commit.id(),
                () -> internal.createCommitRecord(repository.value(), body).execute());
    }

    // ---- tags

    @Override
    public Page<Tag> listTags(RepositoryId repository, PageRequest page) {
        return call("listTags", "repository " + repository + ", after \"" + page.after() + "\"", () -> {
            var list = tags.listTags(repository.value())
                    .prefix(page.prefix()).after(page.after()).amount(page.amount()).execute();
            return SdkModels.page(list.getPagination(), list.getResults(), SdkModels::tag);
        });
    }

    @Override
    public Tag createTag(RepositoryId repository, TagId tag, Ref target, boolean force) {
        TagCreation body = new TagCreation().id(tag.value()).ref(target.value()).force(force);
        return call("createTag", "repository " + repository + ", tag " + tag + " at " + target,
                () -> SdkModels.tag(tags.createTag(repository.value(), body).execute()));
    }

    @Override
    public Tag getTag(RepositoryId repository, TagId tag) {
        return call("getTag", "repository " + repository + ", tag " + tag,
                () -> SdkModels.tag(tags.getTag(repository.value(), tag.value()).execute()));
    }

    @Override
    public void deleteTag(RepositoryId repository, TagId tag, boolean force) {
        run("deleteTag", "repository " + repository + ", tag " + tag,
                () -> tags.deleteTag(repository.value(), tag.value()).force(force).execute());
    }

    // ---- auth

    @Override
    public Optional<User> currentUser() {
        return call("getCurrentUser", "the authenticated user",
                () -> SdkModels.user(auth.getCurrentUser().execute().getUser()));
    }

    @Override
    public Page<Policy> effectivePolicies(UserId user, PageRequest page) {
        return call("listUserPolicies", "user " + user + ", effective", () -> {
            var list = auth.listUserPolicies(user.value()).effective(true)
                    .prefix(page.prefix()).after(page.after()).amount(page.amount()).execute();
            return SdkModels.page(list.getPagination(), list.getResults(), SdkModels::policy);
        });
    }

    // ---- installation

    @Override
    public String version() {
        return call("getLakeFSVersion", "GET /config/version", () -> {
            String version = internal.getLakeFSVersion().execute().getVersion();
            if (version == null || version.isBlank()) {
                throw new IllegalStateException("the answer has no version");
            }
            return version.strip();
        });
    }

    // ---- plumbing

    @FunctionalInterface
    private interface SdkCall<T> {
        T execute() throws ApiException;
    }

    @FunctionalInterface
    private interface SdkAction {
        void execute() throws ApiException;
    }

    private void run(String operation, String target, SdkAction action) {
        call(operation, target, () -> {
            action.execute();
            return null;
        });
    }

    private <T> T call(String operation, String target, SdkCall<T> sdkCall) {
        String what = operation + "(" + target + ")";
        if (deadline != null) {
            return callBounded(what, sdkCall);
        }
        try {
            return retry.executeSupplier(() -> attempt(what, sdkCall));
        } catch (RetryableException e) {
            throw new RetryableException(e.getMessage() + "; gave up after " + retry.getRetryConfig().getMaxAttempts()
                    + " attempt(s), the caller may try again later", e);
        }
    }

    private <T> T attempt(String what, SdkCall<T> sdkCall) {
        try {
            return sdkCall.execute();
        } catch (ApiException e) {
            throw SdkErrors.translate(endpoint, what, e);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException | InvalidInputException e) {
            throw SdkErrors.unreadable(endpoint, what, e);
        }
    }

    /**
     * One call held to {@link #deadline}: attempts as the settings allow, but none started after the
     * deadline nor after a backoff that would end past it, each request cancelled at the deadline.
     */
    private <T> T callBounded(String what, SdkCall<T> sdkCall) {
        String described = "lakeFS " + endpoint + " " + what;
        deadline.check(described);
        AtomicInteger attempts = new AtomicInteger();
        Retry bounded = Retry.of(retry.getName(), RetryConfig.from(retry.getRetryConfig())
                .retryOnException(e -> e instanceof RetryableException && !(e instanceof DeadlineExceededException)
                        && deadline.remaining().toMillis() > backoff.apply(attempts.get()))
                .build());
        try {
            return bounded.executeSupplier(() -> {
                attempts.incrementAndGet();
                deadline.check(described);
                CallGuard guard = new CallGuard(deadline);
                GUARD.set(guard);
                try {
                    return attempt(what, sdkCall);
                } catch (RetryableException e) {
                    if (guard.fired()) {
                        throw new DeadlineExceededException(described + " was abandoned at its " + deadline
                                + " (" + e.getMessage() + "); lakeFS may still apply it, nothing is retried past the"
                                + " deadline", e);
                    }
                    throw e;
                } finally {
                    GUARD.remove();
                    guard.disarm();
                }
            });
        } catch (DeadlineExceededException e) {
            throw e;
        } catch (RetryableException e) {
            throw new RetryableException(e.getMessage() + "; gave up after " + attempts.get() + " attempt(s) within the "
                    + deadline + ", the caller may try again later", e);
        }
    }

    /** The bounded call of the calling thread, if any: the request's timeouts cut to the time left, a watchdog armed. */
    private Response holdToDeadline(Interceptor.Chain chain) throws IOException {
        CallGuard guard = GUARD.get();
        if (guard == null) {
            return chain.proceed(chain.request());
        }
        int left = guard.arm(chain.call(), watchdog);
        return chain.withConnectTimeout(Math.min(left, millis(settings.connectTimeout())), TimeUnit.MILLISECONDS)
                .withReadTimeout(Math.min(left, millis(settings.readTimeout())), TimeUnit.MILLISECONDS)
                .withWriteTimeout(Math.min(left, millis(settings.writeTimeout())), TimeUnit.MILLISECONDS)
                .proceed(chain.request());
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    /** Cancels one attempt's HTTP call when the deadline comes, unless the attempt is over first. */
    private static final class CallGuard {
        private final Deadline deadline;
        private final AtomicBoolean fired = new AtomicBoolean();
        private ScheduledFuture<?> cancel;

        CallGuard(Deadline deadline) {
            this.deadline = deadline;
        }

        /** Arms the watchdog for {@code call}; returns the milliseconds left (at least 1). */
        synchronized int arm(Call call, ScheduledThreadPoolExecutor watchdog) throws IOException {
            long left = deadline.remaining().toMillis();
            if (left <= 0) {
                fired.set(true);
                throw new InterruptedIOException("deadline " + deadline.instant() + " passed before the request was sent");
            }
            if (cancel != null) {
                cancel.cancel(false);
            }
            cancel = watchdog.schedule(() -> {
                fired.set(true);
                call.cancel();
            }, left, TimeUnit.MILLISECONDS);
            return (int) Math.min(Integer.MAX_VALUE, left);
        }

        synchronized void disarm() {
            if (cancel != null) {
                cancel.cancel(false);
            }
        }

        boolean fired() {
            return fired.get() || deadline.hasPassed();
        }
    }

    @Override
    public void close() {
        if (!ownsResources) {
            return;
        }
        watchdog.shutdownNow();
        OkHttpClient http = client.getHttpClient();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "SdkLakeFs[" + endpoint + "]" + (deadline == null ? "" : " bounded by " + deadline);
    }
}
