package io.lakemirror.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.launcher.Backends;
import io.lakemirror.launcher.RegionProcess;
import io.lakemirror.sandbox.LocalServices;
import io.lakemirror.testkit.DelayDistribution;
import io.lakemirror.testkit.DynoxideBinary;
import io.lakemirror.testkit.PortInUseException;
import io.lakemirror.auth.AuthFlavour;
import io.lakemirror.auth.AuthMode;
import io.lakemirror.testkit.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-region sandbox: a {@link World} of regions {@value #A} and {@value #B} (lakeFS test
 * servers, S3, SQS, DynamoDB and bucket replication) on the ports of {@link SandboxPorts}, and the
 * whole replication service of each region running in this JVM with its API. What {@code
 * bin/replication sandbox} runs, and what its demo and the lag benchmark run on.
 *
 * <p>The world starts without shutdown hooks of its own: {@link #close()} stops the services first
 * and the servers they use after, so an owner calls it from its one hook. Each region's effective
 * configuration is written to a YAML file ({@link #configFile}) that {@code bin/replication sandbox
 * run all --config FILE} runs as is.
 */
final class Sandbox implements AutoCloseable {
    static final String A = "us-east-1";
    static final String B = "eu-west-1";
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to start.
     *
     * @param ports       where every server listens
     * @param replication whether to run the replication service of both regions in this JVM (else
     *                    only the world, for services started by hand from the written configurations)
     * @param config      configuration keys set in both regions over the sandbox's own (null removes a key)
     * @param delays      delay of each bucket-replication copy
     * @param seed        seed of the replication delays
     * @param configDir   where to write the configurations; empty: a temporary folder removed on close
     */
    record Settings(SandboxPorts ports, boolean replication, Map<String, Object> config, DelayDistribution delays,
                    long seed, Optional<Path> configDir) {
        Settings {
            Objects.requireNonNull(ports, "ports");
            config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
            Objects.requireNonNull(delays, "delays");
            Objects.requireNonNull(configDir, "configDir");
        }

        static Settings defaults() {
            return new Settings(SandboxPorts.at(SandboxPorts.DEFAULT_BASE), true, Map.of(),
                    DelayDistribution.uniform(Duration.ZERO, Duration.ofMillis(200)), 1, Optional.empty());
        }

        Settings withPorts(SandboxPorts p) {
            return new Settings(p, replication, config, delays, seed, configDir);
        }

        Settings withReplication(boolean run) {
            return new Settings(ports, run, config, delays, seed, configDir);
        }

        Settings withConfig(Map<String, Object> values) {
            return new Settings(ports, replication, values, delays, seed, configDir);
        }

        Settings withDelays(DelayDistribution d, long s) {
            return new Settings(ports, replication, config, d, s, configDir);
        }

        Settings withConfigDir(Optional<Path> dir) {
            return new Settings(ports, replication, config, delays, seed, dir);
        }
    }

    private final Settings settings;
    private final World world;
    private final Map<String, RegionProcess> processes;
    private final Map<String, URI> apis;
    private final Path configDir;
    private final boolean ownsConfigDir;
    private final Map<String, Path> configFiles;
    private boolean closed;

    private Sandbox(Settings settings, World world, Map<String, RegionProcess> processes, Map<String, URI> apis,
                    Path configDir, boolean ownsConfigDir, Map<String, Path> configFiles) {
        this.settings = settings;
        this.world = world;
        this.processes = processes;
        this.apis = apis;
        this.configDir = configDir;
        this.ownsConfigDir = ownsConfigDir;
        this.configFiles = configFiles;
    }

    /**
     * Starts everything; on failure stops what started and rethrows ({@link PortInUseException}
     * before anything starts when a fixed port is taken).
     */
    static Sandbox start(Settings settings) {
        SandboxPorts ports = settings.ports();
        if (!ports.free()) {
            PortInUseException.requireFree(ports.describe(A, B));
        }
        Path dynoxide = DynoxideBinary.resolve(searchRoot());
        // Without a process of its own the API still needs a port the written configurations can name.
        int apiA = ports.free() && !settings.replication() ? freePort() : ports.apiA();
        int apiB = ports.free() && !settings.replication() ? freePort() : ports.apiB();
        World.Builder builder = World.builder().regions(A, B)
                .dynoxideBinary(dynoxide)
                .lakeFsPort(A, ports.lakeFsA()).lakeFsPort(B, ports.lakeFsB())
                .s3Port(ports.s3()).sqsPort(ports.sqs()).dynamoDbPort(ports.dynamoDb())
                .shutdownHook(false)
                .replicationDelays(settings.delays())
                .replicationSeed(settings.seed())
                // lakeFS with RBAC in both regions, read as lakeFS Enterprise's replication service reads it: A through
                // lakeFS's external auth service, B from lakeFS's own database; the services run as the replication
                // user with exactly lakeFS's broad ReplicationPolicy, never as admin.
                .auth(A, AuthMode.AUTH_SERVICE, AuthFlavour.RBAC)
                .auth(B, AuthMode.KV, AuthFlavour.RBAC)
                .config(A, "listen_address", "127.0.0.1:" + apiA)
                .config(B, "listen_address", "127.0.0.1:" + apiB);
        // mirrors_database.type=postgres (--mirrors-db postgres, or bench's --set) puts the mirrors database and the
        // refstores on an embedded PostgreSQL the world starts.
        builder.postgres("postgres".equals(String.valueOf(settings.config().get("mirrors_database.type"))));
        settings.config().forEach(builder::config);
        World world = builder.start();
        Map<String, RegionProcess> processes = new LinkedHashMap<>();
        Path dir = null;
        boolean ownsDir = settings.configDir().isEmpty();
        try {
            Map<String, URI> apis = new LinkedHashMap<>();
            if (settings.replication()) {
                for (String region : List.of(A, B)) {
                    ReplicationConfig config = world.config(region);
                    RegionProcess process = RegionProcess.start(config, LocalServices.dynoxideShims(config),
                            LocalServices.seedChangeFeed(world), EnumSet.allOf(RegionProcess.Part.class));
                    processes.put(region, process);
                    apis.put(region, URI.create("http://127.0.0.1:" + process.apiPort().orElseThrow()));
                }
            } else {
                seedChangeFeeds(world);
                apis.put(A, URI.create("http://127.0.0.1:" + apiA));
                apis.put(B, URI.create("http://127.0.0.1:" + apiB));
            }
            dir = ownsDir ? Files.createTempDirectory("lakemirror-sandbox-") : Files.createDirectories(settings.configDir().get());
            Map<String, Path> files = new LinkedHashMap<>();
            for (String region : List.of(A, B)) {
                files.put(region, writeConfig(dir, world.site(region), apis.get(region)));
            }
            return new Sandbox(settings, world, processes, apis, dir, ownsDir, files);
        } catch (IOException e) {
            stop(processes, world, ownsDir ? dir : null);
            throw new UncheckedIOException("cannot write the sandbox's configuration files: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            stop(processes, world, ownsDir ? dir : null);
            throw e;
        }
    }

    /**
     * Seeds both regions' change-feed leases, as the in-process services do, so that a region
     * started by hand gets its first change within seconds.
     */
    private static void seedChangeFeeds(World world) {
        for (String region : List.of(A, B)) {
            ReplicationConfig config = world.config(region);
            try (Backends backends = Backends.of(config, LocalServices.dynoxideShims(config))) {
                LocalServices.seedChangeFeed(world).accept(backends);
            }
        }
    }

    /** The checkout the runnable jar lives in (to find {@code .tools}), else the working directory. */
    private static Path searchRoot() {
        try {
            var source = Sandbox.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return Path.of(source.getLocation().toURI()).toAbsolutePath().getParent();
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            LOG.trace("cannot tell where the launcher runs from ({}); looking from the working directory", e.toString());
        }
        return Path.of("").toAbsolutePath();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    private static Path writeConfig(Path dir, World.Site site, URI api) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>(site.configValues());
        values.put("listen_address", "127.0.0.1:" + api.getPort());
        String header = "# Effective configuration of region " + site.region() + " of the lakemirror sandbox.\n"
                + "# Run this region's service by hand on these servers:\n"
                + "#   bin/replication sandbox run all --config " + dir.resolve(site.region() + ".yaml") + "\n"
                + "# While the sandbox runs its own service, give yours another API port:\n"
                + "#   REPLICATION_LISTEN_ADDRESS=127.0.0.1:0 bin/replication sandbox run all --config ...\n";
        Path file = dir.resolve(site.region() + ".yaml");
        Files.writeString(file, header + ConfigPrinter.toYaml(values));
        return file;
    }

    World world() {
        return world;
    }

    Settings settings() {
        return settings;
    }

    /** The lakeFS of {@code region}, without {@code /api/v1}. */
    URI lakeFs(String region) {
        return world.site(region).lakeFsEndpoint();
    }

    /** The replication API of {@code region}, without its path prefix. */
    URI api(String region) {
        return apis.get(region);
    }

    String bucket(String region) {
        return world.site(region).bucket();
    }

    Path configFile(String region) {
        return configFiles.get(region);
    }

    /** The region's service in this JVM, when the sandbox runs them. */
    Optional<RegionProcess> process(String region) {
        return Optional.ofNullable(processes.get(region));
    }

    /** The replication user's keys (the services' own; exactly lakeFS's broad ReplicationPolicy). */
    String accessKeyId() {
        return world.replicationAccessKeyId();
    }

    String secretAccessKey() {
        return world.replicationSecretAccessKey();
    }

    /** A lakeFS admin on both regions, for the person at the keyboard (mirror creation needs fs:MirrorRepository). */
    String adminAccessKeyId() {
        return world.adminAccessKeyId();
    }

    String adminSecretAccessKey() {
        return world.adminSecretAccessKey();
    }

    /** How each region's service checks API callers, for people and logs. */
    String authDescription(String region) {
        String mode = world.authMode(region).wire();
        return mode + (world.authMode(region) == AuthMode.AUTH_SERVICE
                ? " (lakeFS's external auth service at " + world.site(region).lakeFs().authServiceEndpoint() + ")"
                : world.authMode(region) == AuthMode.KV ? " (lakeFS's own database, DynamoDB table "
                        + world.site(region).configValues().get("database.dynamodb.table_name") + ")" : " (lakeFS's REST API)")
                + ", lakeFS " + world.authFlavour(region).description();
    }

    /** The keys of a commit's metadata (metarange and ranges) in {@code region}'s bucket. */
    List<String> metadataKeys(String region, String prefix, String metaRangeId) {
        return world.commitMetadataKeys(region, prefix, metaRangeId);
    }

    /** The ready line's JSON: every URL, bucket and key a script needs, on one line. */
    String readyJson() {
        Map<String, Object> regions = new LinkedHashMap<>();
        for (String region : List.of(A, B)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("lakefs", lakeFs(region).toString());
            r.put("replication_api", api(region).toString());
            r.put("dashboard", api(region) + "/service/replication/ui/");
            r.put("bucket", bucket(region));
            r.put("auth_mode", world.authMode(region).wire());
            regions.put(region, r);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("regions", regions);
        json.put("s3", world.s3Mock().endpoint().toString());
        if (world.onPostgres()) {
            json.put("postgres", world.postgres().connectionString(World.MIRRORS_DATABASE));
        }
        json.put("access_key_id", accessKeyId());
        json.put("secret_access_key", secretAccessKey());
        json.put("admin_access_key_id", adminAccessKeyId());
        json.put("admin_secret_access_key", adminSecretAccessKey());
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the ready line", e);
        }
    }

    /** Copy-paste commands for a person: a repository in A, its mirror in B, a commit, the mirror's status. */
    List<String> instructions() {
        String auth = "-u " + adminAccessKeyId() + ":" + adminSecretAccessKey();
        String lakeFsA = lakeFs(A) + "/api/v1";
        String mirrors = api(A) + "/service/replication/v1/repositories/quickstart/mirrors";
        List<String> lines = new ArrayList<>();
        lines.add("Configuration of each region (run one yourself: bin/replication sandbox run all --config FILE):");
        lines.add("  " + A + ": " + configFile(A));
        lines.add("  " + B + ": " + configFile(B));
        lines.add("");
        lines.add("API callers are checked, per region:");
        lines.add("  " + A + ": " + authDescription(A));
        lines.add("  " + B + ": " + authDescription(B));
        lines.add("The services run as the replication user " + world.replicationUser() + " (" + accessKeyId()
                + ", lakeFS's ReplicationPolicy); you act as the lakeFS admin " + adminAccessKeyId() + ".");
        lines.add("");
        lines.add("Try it (copy and paste):");
        lines.add("  # 1. a repository in " + A + " (lakeFS API of " + A + ")");
        lines.add("  curl -s " + auth + " -H 'Content-Type: application/json' -d '{\"name\":\"quickstart\","
                + "\"storage_namespace\":\"s3://" + bucket(A) + "/quickstart\",\"default_branch\":\"main\"}' "
                + lakeFsA + "/repositories");
        lines.add("  # 2. its mirror in " + B + " (replication API of the source region " + A + "); keeps the mirror's id");
        lines.add("  MIRROR_ID=$(curl -s " + auth + " -H 'Content-Type: application/json' -d '{\"name\":\"quickstart-mirror\","
                + "\"region\":\"" + B + "\",\"storage_namespace\":\"s3://" + bucket(B) + "/quickstart\"}' " + mirrors
                + " | grep -o '\"id\":\"[^\"]*\"' | head -1 | cut -d'\"' -f4); echo \"mirror $MIRROR_ID\"");
        lines.add("  # 3. upload a file and commit in " + A);
        lines.add("  curl -s " + auth + " -H 'Content-Type: application/octet-stream' --data-binary 'hello, mirror' '"
                + lakeFsA + "/repositories/quickstart/branches/main/objects?path=hello.txt'");
        lines.add("  curl -s " + auth + " -H 'Content-Type: application/json' -d '{\"message\":\"first commit\"}' "
                + lakeFsA + "/repositories/quickstart/branches/main/commits");
        lines.add("  # 4. the mirror's status: each branch's source_head, mirror_head, missing_files, in_sync");
        lines.add("  curl -s " + auth + " " + mirrors + "/$MIRROR_ID");
        lines.add("  # 5. the mirror repository in " + B + " (read-only): its main branch now points at that commit");
        lines.add("  curl -s " + auth + " " + lakeFs(B) + "/api/v1/repositories/quickstart-mirror/branches/main");
        lines.add("  # 6. the operator CLI: every mirror and branch with its lag (--watch refreshes it)");
        lines.add("  LAKECTL_CREDENTIALS_ACCESS_KEY_ID=" + adminAccessKeyId() + " LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY="
                + adminSecretAccessKey() + " bin/replication mirrors status --endpoint " + api(A));
        lines.add("");
        lines.add("Dashboard (mirrors, branches, lag plots; sign in with the admin keys above): " + api(A)
                + "/service/replication/ui/");
        return lines;
    }

    /** Stops the services (B, then A), then the world; removes the configuration folder it created. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(processes, world, ownsConfigDir ? configDir : null);
    }

    private static void stop(Map<String, RegionProcess> processes, World world, Path configDir) {
        List<RegionProcess> started = new ArrayList<>(processes.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("the service of region {} did not stop cleanly: {}", started.get(i).config().region(), e.toString());
            }
        }
        try {
            world.close();
        } catch (RuntimeException e) {
            LOG.warn("the sandbox's servers did not stop cleanly: {}", e.toString());
        }
        if (configDir != null) {
            try (Stream<Path> files = Files.walk(configDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.debug("cannot remove {} ({})", configDir, e.toString());
            }
        }
    }
}
