package io.lakemirror.it.faults;

import io.lakemirror.config.ConfigPrinter;
import io.lakemirror.testkit.World;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication service of every region of a world as separate OS processes: per region a
 * sensor, a validator, a promoter and an API, plus extra promoters or validators where asked (two
 * processes competing for the same work). Each region's configuration is written to a YAML file;
 * it points the processes at the fault proxies for S3 and SQS and straight at lakeFS (whose own
 * fault switches cover it) and dynoxide.
 */
final class ServiceFleet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceFleet.class);

    private final List<ComponentProcess> processes = new ArrayList<>();
    private final Map<String, URI> apis = new LinkedHashMap<>();

    /**
     * @param extra  per region, extra processes of a kind beyond the one of each (e.g. a second promoter)
     * @param config per-region overrides of the world's configuration (e.g. the proxies' endpoints)
     */
    ServiceFleet(World world, Path dir, Map<String, Map<ComponentProcess.Kind, Integer>> extra,
                 Map<String, Object> config) {
        this(world, dir, extra, config, java.util.function.UnaryOperator.identity());
    }

    /** @param lakeFsEndpoint where the service reaches each lakeFS endpoint of the world (e.g. through a fault proxy) */
    ServiceFleet(World world, Path dir, Map<String, Map<ComponentProcess.Kind, Integer>> extra,
                 Map<String, Object> config, java.util.function.UnaryOperator<String> lakeFsEndpoint) {
        this(world, dir, extra, config, lakeFsEndpoint, (region, kind, values) -> values);
    }

    /** Changes the configuration of one kind of process of one region (e.g. its own route to a server, to cut it). */
    @FunctionalInterface
    interface ProcessConfig {
        Map<String, Object> apply(String region, ComponentProcess.Kind kind, Map<String, Object> values);
    }

    /**
     * @param perProcess the configuration of each kind of process of each region, from the region's; a kind
     *                   whose configuration differs gets its own file ({@code <region>-<kind>.yaml})
     */
    @SuppressWarnings("unchecked")
    ServiceFleet(World world, Path dir, Map<String, Map<ComponentProcess.Kind, Integer>> extra,
                 Map<String, Object> config, java.util.function.UnaryOperator<String> lakeFsEndpoint,
                 ProcessConfig perProcess) {
        String classpath = launcherClasspath();
        List<String> jvmOptions = List.of();
        try {
            Files.createDirectories(dir);
            for (World.Site site : world.sites()) {
                String region = site.region().value();
                int port = freePort();
                apis.put(region, URI.create("http://127.0.0.1:" + port));
                Map<String, Object> values = new LinkedHashMap<>(site.configValues());
                values.putAll(config);
                values.put("regional_endpoint", lakeFsEndpoint.apply(String.valueOf(values.get("regional_endpoint"))));
                Map<String, Object> destinations = new LinkedHashMap<>();
                ((Map<String, Object>) values.get("dst_endpoints"))
                        .forEach((r, endpoint) -> destinations.put(r, lakeFsEndpoint.apply(String.valueOf(endpoint))));
                values.put("dst_endpoints", destinations);
                values.put("listen_address", "127.0.0.1:" + port);
                Path file = dir.resolve(region + ".yaml");
                Files.writeString(file, "# Configuration of region " + region + " in a fault-injection run\n"
                        + ConfigPrinter.toYaml(values));
                if (processes.isEmpty()) {
                    jvmOptions = ClassDataArchive.prepare(dir, classpath, file);
                }
                for (ComponentProcess.Kind kind : ComponentProcess.Kind.values()) {
                    Path kindFile = file;
                    Map<String, Object> own = perProcess.apply(region, kind, new LinkedHashMap<>(values));
                    if (!own.equals(values)) {
                        kindFile = dir.resolve(region + "-" + kind.command + ".yaml");
                        Files.writeString(kindFile, "# Configuration of the " + kind.command + " processes of region "
                                + region + " in a fault-injection run\n" + ConfigPrinter.toYaml(own));
                    }
                    int count = 1 + extra.getOrDefault(region, Map.of()).getOrDefault(kind, 0);
                    for (int i = 1; i <= count; i++) {
                        processes.add(new ComponentProcess(region, kind, i, kindFile, dir, classpath, jvmOptions));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fleet's configuration into " + dir, e);
        }
    }

    List<ComponentProcess> processes() {
        return List.copyOf(processes);
    }

    List<ComponentProcess> of(String region, ComponentProcess.Kind kind) {
        return processes.stream().filter(p -> p.region().equals(region) && p.kind() == kind).toList();
    }

    /** The REST API of a region (its process may be down at the moment). */
    URI api(String region) {
        return apis.get(region);
    }

    void startAll() {
        processes.forEach(ComponentProcess::start);
    }

    boolean allReady() {
        return processes.stream().allMatch(ComponentProcess::isReady);
    }

    String notReady() {
        return processes.stream().filter(p -> !p.isReady()).map(Object::toString).collect(Collectors.joining(", "));
    }

    int kills() {
        return processes.stream().mapToInt(ComponentProcess::kills).sum();
    }

    @Override
    public void close() {
        // Killed, not stopped: how they end does not matter any more, and it is fast.
        processes.forEach(ComponentProcess::kill);
        LOG.info("fleet stopped: {} processes, {} starts, {} kills", processes.size(),
                processes.stream().mapToInt(ComponentProcess::starts).sum(), kills());
    }

    /**
     * The classpath of the launcher and everything it runs: this JVM's classpath (surefire and
     * failsafe may hand it over in a manifest-only jar) without test classes.
     */
    static String launcherClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && entry.contains("surefire")) {
                entries.addAll(manifestClasspath(Path.of(entry)));
            } else {
                entries.add(entry);
            }
        }
        return entries.stream()
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes/") && !e.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static List<String> manifestClasspath(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (value == null) {
                return List.of(jar.toString());
            }
            List<String> out = new ArrayList<>();
            for (String url : value.trim().split("\\s+")) {
                out.add(Path.of(URI.create(url.startsWith("file:") ? url : jar.getParent().toUri().resolve(url).toString()))
                        .toString());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classpath manifest of " + jar, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    static Duration readyTimeout() {
        return Duration.ofMinutes(3);
    }
}
