package io.lakemirror.testserver;

import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Policy;
import io.lakemirror.lakefs.UserId;
import io.lakemirror.testserver.auth.AuthStore;
import io.lakemirror.testserver.auth.Authenticator;
import io.lakemirror.testserver.auth.Authorizer;
import io.lakemirror.testserver.auth.BuiltinPolicies;
import io.lakemirror.testserver.auth.KvMirror;
import io.lakemirror.testserver.auth.KvSink;
import io.lakemirror.testserver.http.AuthServiceRoutes;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.config.Secret;
import io.lakemirror.lakefs.policy.Acl;
import io.lakemirror.testserver.http.ApiContext;
import io.lakemirror.testserver.http.ApiRouter;
import io.lakemirror.testserver.http.ExchangeRecorder;
import io.lakemirror.testserver.http.ReportedVersion;
import io.lakemirror.testserver.model.LakeFsError;
import io.lakemirror.testserver.model.RepositoryState;
import io.lakemirror.testserver.service.BranchService;
import io.lakemirror.testserver.service.CommitService;
import io.lakemirror.testserver.service.Hooks;
import io.lakemirror.testserver.service.ObjectService;
import io.lakemirror.testserver.service.RepositoryService;
import io.lakemirror.testserver.service.TagService;
import io.lakemirror.testserver.storage.BlockStore;
import io.lakemirror.testserver.storage.PhysicalAddresses;
import io.lakemirror.testserver.storage.Trees;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lakeFS API server faithful enough to stand in for lakeFS in tests and the sandbox: lakeFS's
 * paths under {@code /api/v1}, JSON shapes, status codes, messages and pagination; repositories,
 * branches, tags, objects, commits and merges that write real graveler range and metarange files
 * into an S3 bucket; CreateCommitRecord with lakeFS's commit-ID check; read-only repositories;
 * HTTP Basic auth; and, with {@link Builder#rbac(boolean)}, users, groups and policies with
 * lakeFS's matching. State lives in memory and is lost on {@link #close()}.
 *
 * <pre>{@code
 * try (LakeFsTestServer lakeFs = LakeFsTestServer.builder()
 *         .s3Endpoint(URI.create("http://127.0.0.1:9090")).s3Credentials("key", "secret")
 *         .start()) {
 *     SdkLakeFs client = SdkLakeFs.create(lakeFs.endpoint(), lakeFs.adminAccessKeyId(),
 *             new Secret(lakeFs.adminSecretAccessKey()));
 * }
 * }</pre>
 */
public final class LakeFsTestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LakeFsTestServer.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** lakeFS quickstart's fixed key pair, the default admin credentials. */
    public static final String DEFAULT_ACCESS_KEY_ID = "AKIAIOSFOLQUICKSTART";
    public static final String DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final HttpServer http;
    private final BlockStore blocks;
    private final AuthStore auth;
    private final Faults faults;
    private final RepositoryService repositories;
    private final Path uploads;
    private final URI endpoint;
    private final String adminUserId;
    private final String adminAccessKeyId;
    private final String adminSecretAccessKey;
    private final boolean rbac;
    private final AuthFlavour authFlavour;
    private final Optional<KvMirror> kvMirror;
    private final String encryptSecretKey;
    private KvMirror extraKv;
    private final ReportedVersion version;

    private LakeFsTestServer(Vertx vertx, WorkerExecutor workers, HttpServer http, BlockStore blocks, AuthStore auth,
                             Faults faults, RepositoryService repositories, Path uploads, Builder settings) {
        this.vertx = vertx;
        this.workers = workers;
        this.http = http;
        this.blocks = blocks;
        this.auth = auth;
        this.faults = faults;
        this.repositories = repositories;
        this.uploads = uploads;
        this.adminUserId = settings.adminUserId;
        this.adminAccessKeyId = settings.adminAccessKeyId;
        this.adminSecretAccessKey = settings.adminSecretAccessKey;
        this.rbac = settings.rbac;
        this.version = settings.version;
        this.authFlavour = settings.flavour();
        this.kvMirror = settings.kvMirror;
        this.encryptSecretKey = settings.encryptSecretKey;
        this.endpoint = URI.create("http://" + hostForUri(settings.host) + ":" + http.actualPort());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The base URL, without {@code /api/v1}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return http.actualPort();
    }

    /** The lakeFS version reported at {@code GET /config/version}; {@value ReportedVersion#CURRENT} by default. */
    public String version() {
        return version.get();
    }

    /**
     * Reports {@code lakeFsVersion} from now on, and behaves as that lakeFS where the service depends
     * on it: below 1.11.0, bare repositories are created writable whatever {@code read_only} asks.
     */
    public void setVersion(String lakeFsVersion) {
        version.set(lakeFsVersion);
    }

    /** Fault injection, changeable while the server runs. */
    public Faults faults() {
        return faults;
    }

    /**
     * Test-only, and reachable only from the JVM that owns this server (never over HTTP): replaces
     * the stored record of a commit with {@code tampered}, bypassing lakeFS's commit-ID check, so a
     * test can seed a repository whose commit differs from its ID (an auditor self-test). The
     * replacement must keep the commit's ID; everything else is taken as given.
     *
     * @throws IllegalArgumentException when the repository or commit does not exist, or the ID differs
     */
    public void replaceCommitRecordForTest(RepositoryId repository, CommitRecord tampered) {
        Objects.requireNonNull(tampered, "tampered");
        RepositoryState repo;
        try {
            repo = repositories.get(repository.value());
        } catch (LakeFsError e) {
            throw new IllegalArgumentException("no repository " + repository + " on the lakeFS test server at " + endpoint, e);
        }
        repo.write(() -> {
            if (repo.findCommit(tampered.id()).isEmpty()) {
                throw new IllegalArgumentException("no commit " + tampered.id() + " in repository " + repository);
            }
            repo.commits().put(tampered.id(), tampered);
            return null;
        });
        LOG.warn("lakeFS test server at {}: commit {} of {} replaced by a test (tampered record)", endpoint, tampered.id(),
                repository);
    }

    /**
     * Test-only, reachable only from this JVM: whether {@code repository} itself stores {@code commit} (lakeFS's KV),
     * as opposed to answering for it from the commit cache, which may hold a deleted namesake's commits.
     */
    public boolean storesCommitForTest(RepositoryId repository, io.lakemirror.domain.CommitId commit) {
        try {
            return repositories.stored(repository.value()).storedCommit(commit).isPresent();
        } catch (LakeFsError e) {
            return false;
        }
    }

    public String adminUserId() {
        return adminUserId;
    }

    public String adminAccessKeyId() {
        return adminAccessKeyId;
    }

    public String adminSecretAccessKey() {
        return adminSecretAccessKey;
    }

    public boolean rbac() {
        return rbac;
    }

    /** How this lakeFS authorizes: basic (OSS, one user allowed everything), simplified (ACL groups) or RBAC. */
    public AuthFlavour authFlavour() {
        return authFlavour;
    }

    /**
     * lakeFS's external auth service as this server plays it ({@code auth.api.endpoint}, with its base path), checking
     * the JWT signed with the builder's {@code encryptSecretKey}.
     */
    public URI authServiceEndpoint() {
        return URI.create(endpoint + AuthServiceRoutes.BASE_PATH);
    }

    /**
     * From now on writes every user, credential, group and policy into lakeFS's KV at {@code sink} too, in lakeFS's
     * format (secrets encrypted with the builder's {@code encryptSecretKey}), starting with what the server holds;
     * returns once it is written.
     */
    public synchronized void writeAuthTo(KvSink sink) {
        if (kvMirror.isPresent() || extraKv != null) {
            throw new IllegalStateException("the lakeFS test server at " + endpoint + " already writes its KV");
        }
        extraKv = new KvMirror(sink, new Secret(encryptSecretKey), authFlavour, Instant.now());
        auth.mirrorTo(extraKv, adminUserId);
        auth.flushKv();
        LOG.info("lakeFS test server at {} writes its users to lakeFS's KV in {}", endpoint, sink.describe());
    }

    /** Puts {@code userId} in the simplified-mode group of an ACL level (Readers, Writers, Supers, Admins). */
    public void addToAclGroup(String userId, Acl.Level level) {
        auth.addMember(level.group(), userId);
        auth.flushKv();
    }

    /**
     * Adds a user with the given key pair (test setup; works in OSS mode too, where every user may
     * do everything). Throws when the user or key exists.
     */
    public void addUser(String userId, String accessKeyId, String secretAccessKey) {
        auth.createUser(UserId.of(userId), Optional.empty());
        auth.createCredentials(userId, Optional.of(accessKeyId), Optional.of(secretAccessKey));
        auth.flushKv();
    }

    /** Creates (or replaces) {@code policy} and attaches it to {@code userId}. */
    public void attachPolicy(String userId, Policy policy) {
        try {
            auth.createPolicy(policy);
        } catch (LakeFsError e) {
            if (e.kind() != LakeFsError.Kind.NOT_UNIQUE) {
                throw e;
            }
            auth.updatePolicy(policy);
        }
        auth.attachToUser(userId, policy.id());
        auth.flushKv();
    }

    /** Puts {@code userId} in a group such as the built-in {@code Viewers} or {@code Developers}. */
    public void addToGroup(String userId, String group) {
        auth.addMember(group, userId);
        auth.flushKv();
    }

    /** Stops the HTTP server, the worker pool and Vert.x, waiting a bounded time for each. */
    @Override
    public void close() {
        await(http.close(), "HTTP server");
        await(workers.close(), "worker pool");
        await(vertx.close(), "Vert.x");
        blocks.close();
        kvMirror.ifPresent(KvMirror::close);
        if (extraKv != null) {
            extraKv.close();
        }
        deleteQuietly(uploads);
        LOG.info("lakeFS test server at {} stopped", endpoint);
    }

    private static void await(Future<?> future, String what) {
        try {
            future.toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} did not stop cleanly within {}: {}", what, STOP_TIMEOUT, e.toString());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not remove {}: {}", dir, e.toString());
        }
    }

    private static String hostForUri(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Settings of a {@link LakeFsTestServer}; {@link #s3Endpoint(URI)} is required. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private URI s3Endpoint;
        private String s3Region = "us-east-1";
        private String s3AccessKeyId = "test";
        private String s3SecretAccessKey = "test";
        private String adminUserId = "admin";
        private String adminAccessKeyId = DEFAULT_ACCESS_KEY_ID;
        private String adminSecretAccessKey = DEFAULT_SECRET_ACCESS_KEY;
        private boolean rbac;
        private AuthFlavour authFlavour;
        private String encryptSecretKey = "lakefs-testserver-encrypt-secret-key";
        private KvSink kvSink;
        private Optional<KvMirror> kvMirror = Optional.empty();
        private ReportedVersion version = new ReportedVersion(ReportedVersion.CURRENT);
        private Clock clock = Clock.systemUTC();
        private RealBehaviours real = RealBehaviours.NONE;
        private Optional<ExchangeCheck> exchangeCheck = Optional.empty();
        private int workerThreads = 16;
        private final List<String> buckets = new ArrayList<>();

        private Builder() {
        }

        /** Address to listen on; default {@code 127.0.0.1}. */
        public Builder host(String listenHost) {
            this.host = Objects.requireNonNull(listenHost, "host");
            return this;
        }

        /** Port to listen on; default 0, a free port. */
        public Builder port(int listenPort) {
            if (listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + listenPort);
            }
            this.port = listenPort;
            return this;
        }

        /** The S3 API holding every storage namespace (path-style access). Required. */
        public Builder s3Endpoint(URI endpoint) {
            this.s3Endpoint = Objects.requireNonNull(endpoint, "s3Endpoint");
            return this;
        }

        /** Default {@code us-east-1}. */
        public Builder s3Region(String region) {
            this.s3Region = Objects.requireNonNull(region, "s3Region");
            return this;
        }

        /** Default {@code test}/{@code test} (any key pair works with S3Mock). */
        public Builder s3Credentials(String accessKeyId, String secretAccessKey) {
            this.s3AccessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.s3SecretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            return this;
        }

        /**
         * The installation's admin user; default {@code admin} with lakeFS quickstart's key pair
         * {@value #DEFAULT_ACCESS_KEY_ID}.
         */
        public Builder adminUser(String userId, String accessKeyId, String secretAccessKey) {
            this.adminUserId = Objects.requireNonNull(userId, "userId");
            this.adminAccessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.adminSecretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            return this;
        }

        /**
         * With RBAC (lakeFS with an auth service), policies decide and the admin is in the
         * {@code Admins} group. Without (default, OSS lakeFS), the policy APIs answer 501 and every
         * authenticated user may do everything.
         */
        public Builder rbac(boolean enabled) {
            this.rbac = enabled;
            return this;
        }

        /**
         * How the server authorizes, over {@link #rbac(boolean)}: {@link AuthFlavour#BASIC} (OSS lakeFS),
         * {@link AuthFlavour#SIMPLIFIED} (ACL groups Admins, Supers, Writers, Readers; the admin in Admins; policy APIs
         * answer 501) or {@link AuthFlavour#RBAC} (lakeFS Enterprise's built-in groups; the admin in Admins).
         */
        public Builder authFlavour(AuthFlavour flavour) {
            this.authFlavour = Objects.requireNonNull(flavour, "flavour");
            this.rbac = flavour != AuthFlavour.BASIC;
            return this;
        }

        /** lakeFS's {@code auth.encrypt.secret_key}: encrypts secrets in the KV and signs the auth service's JWT. */
        public Builder encryptSecretKey(String secretKey) {
            this.encryptSecretKey = Objects.requireNonNull(secretKey, "secretKey");
            return this;
        }

        /** Also writes every user, credential, group and policy into this lakeFS KV, in lakeFS's format. */
        public Builder kvSink(KvSink sink) {
            this.kvSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        AuthFlavour flavour() {
            return authFlavour != null ? authFlavour : rbac ? AuthFlavour.RBAC : AuthFlavour.BASIC;
        }

        /** The lakeFS version to report (see {@link LakeFsTestServer#setVersion}); default {@value ReportedVersion#CURRENT}. */
        public Builder version(String lakeFsVersion) {
            this.version = new ReportedVersion(lakeFsVersion);
            return this;
        }

        /** The clock for creation dates and commit times; default the system clock. */
        public Builder clock(Clock source) {
            this.clock = Objects.requireNonNull(source, "clock");
            return this;
        }

        /** Behaviours of real lakeFS to play (caches, nanosecond times, hooks, blockstores); default none. */
        public Builder real(RealBehaviours behaviours) {
            this.real = Objects.requireNonNull(behaviours, "behaviours");
            return this;
        }

        /**
         * Hands every {@code /api/v1} exchange, once answered, to {@code check}: tests hold the server to lakeFS's
         * {@code swagger.yml} this way, whichever client sent the request (SDK, subprocess, raw HTTP). Default none.
         */
        public Builder checkExchanges(ExchangeCheck check) {
            this.exchangeCheck = Optional.of(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Threads for blocking work (bucket I/O, repository writes); default 16. */
        public Builder workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("worker threads must be at least 1, got " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /** Creates {@code bucket} at start when absent. */
        public Builder ensureBucket(String bucket) {
            buckets.add(Objects.requireNonNull(bucket, "bucket"));
            return this;
        }

        /** Starts the server; returns once it accepts connections. */
        public LakeFsTestServer start() {
            if (s3Endpoint == null) {
                throw new IllegalStateException("the lakeFS test server needs an S3 endpoint: call s3Endpoint(...)");
            }
            BlockStore blocks = new BlockStore(s3Endpoint, s3Region, s3AccessKeyId, s3SecretAccessKey);
            Vertx vertx = null;
            try {
                buckets.forEach(blocks::createBucketIfAbsent);
                AuthStore auth = new AuthStore(clock);
                auth.createUser(UserId.of(adminUserId), Optional.empty());
                auth.createCredentials(adminUserId, Optional.of(adminAccessKeyId), Optional.of(adminSecretAccessKey));
                if (flavour() == AuthFlavour.RBAC) {
                    BuiltinPolicies.install(auth);
                    auth.addMember(BuiltinPolicies.ADMINS, adminUserId);
                } else if (flavour() == AuthFlavour.SIMPLIFIED) {
                    BuiltinPolicies.installAcl(auth);
                    auth.addMember(Acl.Level.ADMIN.group(), adminUserId);
                }
                if (kvSink != null) {
                    kvMirror = Optional.of(new KvMirror(kvSink, new Secret(encryptSecretKey), flavour(), clock.instant()));
                    auth.mirrorTo(kvMirror.get(), adminUserId);
                    auth.flushKv();
                }
                Path uploads = Files.createTempDirectory("lakefs-testserver-uploads");
                vertx = Vertx.vertx();
                WorkerExecutor workers = vertx.createSharedWorkerExecutor("lakefs-testserver-worker", workerThreads);
                Faults faults = new Faults();
                RepositoryService repositories = new RepositoryService(blocks, clock, real);
                Router root = router(vertx, workers, blocks, auth, faults, repositories, uploads);
                HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                        .requestHandler(root)
                        .listen()
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                LakeFsTestServer server = new LakeFsTestServer(vertx, workers, http, blocks, auth, faults, repositories,
                        uploads, this);
                LOG.info("lakeFS test server listening on {} (S3 {}, RBAC {}, real behaviours {}, exchanges checked: {})",
                        server.endpoint, s3Endpoint, rbac ? "on" : "off", real, exchangeCheck.isPresent());
                return server;
            } catch (IOException e) {
                cleanUp(vertx, blocks);
                throw new UncheckedIOException("cannot create the upload directory of the lakeFS test server", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cleanUp(vertx, blocks);
                throw new IllegalStateException("interrupted while starting the lakeFS test server", e);
            } catch (ExecutionException | TimeoutException e) {
                cleanUp(vertx, blocks);
                throw new IllegalStateException("the lakeFS test server could not listen on " + host + ":" + port
                        + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
            } catch (RuntimeException e) {
                cleanUp(vertx, blocks);
                throw e;
            }
        }

        private static void cleanUp(Vertx vertx, BlockStore blocks) {
            if (vertx != null) {
                await(vertx.close(), "Vert.x");
            }
            blocks.close();
        }

        private Router router(Vertx vertx, WorkerExecutor workers, BlockStore blocks, AuthStore auth, Faults faults,
                              RepositoryService repositories, Path uploads) {
            Trees trees = new Trees(blocks);
            BranchService branches = new BranchService(repositories,
                    real.hooks() ? Optional.of(new Hooks(trees, blocks)) : Optional.empty());
            ApiContext api = new ApiContext(repositories, branches,
                    new CommitService(repositories, trees, clock), new TagService(repositories),
                    new ObjectService(repositories, trees, blocks, new PhysicalAddresses(clock), clock),
                    auth, new Authorizer(auth, flavour()), workers);

            Router root = Router.router(vertx);
            exchangeCheck.ifPresent(check -> root.route().handler(new ExchangeRecorder(check)));
            root.route().handler(ctx -> {
                String requestId = UUID.randomUUID().toString();
                ctx.response().putHeader("X-Request-ID", requestId);
                if (LOG.isDebugEnabled()) {
                    long started = System.nanoTime();
                    ctx.addEndHandler(done -> LOG.debug("{} {} -> {} in {} ms (request {})", ctx.request().method(),
                            ctx.request().uri(), ctx.response().getStatusCode(),
                            (System.nanoTime() - started) / 1_000_000, requestId));
                }
                ctx.next();
            });
            root.get("/api/v1/healthcheck").handler(ctx -> ctx.response().setStatusCode(204).end());
            root.get("/_health").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("alive!"));
            root.route("/api/v1/*").handler(BodyHandler.create(uploads.toString()).setDeleteUploadedFilesOnEnd(true));
            root.route("/api/v1/*").handler(ctx -> faults.apply(vertx, ctx));
            root.route("/api/v1/*").subRouter(ApiRouter.create(vertx, api, new Authenticator(auth), version));
            Router authService = Router.router(vertx);
            new AuthServiceRoutes(auth, encryptSecretKey, clock).mount(authService);
            root.route(AuthServiceRoutes.BASE_PATH + "/*").subRouter(authService);
            root.route().failureHandler(ApiRouter.failureHandler());
            ApiRouter.unmatched(root);
            return root;
        }
    }
}
