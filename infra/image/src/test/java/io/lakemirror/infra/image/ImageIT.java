package io.lakemirror.infra.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the build wrote ({@code target/lakemirror-image.tar}) opened as a container engine
 * would: its manifests and configuration checked, its layers unpacked in order into a root file
 * system, and its entrypoint run there with {@code chroot} as the image's user, with nothing of the
 * build machine's Java or libraries visible.
 */
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static Map<String, byte[]> files;
    private static JsonNode config;
    private static Path root;

    @BeforeAll
    static void unpack() throws IOException {
        Path tar = Path.of(System.getProperty("lakemirror.image.tar", "target/lakemirror-image.tar"));
        assertThat(tar).as("the package phase writes the image").isRegularFile();
        files = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.isFile()) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        JsonNode docker = JSON.readTree(files.get("manifest.json")).get(0);
        config = JSON.readTree(files.get(docker.get("Config").asText()));
        root = Files.createDirectories(work.resolve("rootfs"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (JsonNode layer : docker.get("Layers")) {
            extract(files.get(layer.asText()), root);
        }
    }

    private static void extract(byte[] gzippedTar, Path into) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(gzippedTar)))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                assertThat(target.startsWith(into)).as("%s stays inside the root", e.getName()).isTrue();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                    continue;
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(target, permissions(e.getMode()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void config_shouldRunTheLauncherJarAsANonRootUser_whenStarted() {
        JsonNode c = config.get("config");
        List<String> entrypoint = strings(c.get("Entrypoint"));

        assertThat(entrypoint).startsWith("/opt/java/bin/java").endsWith("-jar", "/app/lakemirror.jar")
                .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
        assertThat(c.get("User").asText()).isEqualTo("65532:65532");
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/app");
        assertThat(iterable(c.get("ExposedPorts").fieldNames())).containsExactlyInAnyOrder("8008/tcp", "8009/tcp");
        assertThat(strings(c.get("Healthcheck").get("Test"))).startsWith("CMD", "/opt/java/bin/java")
                .endsWith("io.lakemirror.launcher.HealthProbe");
        assertThat(config.get("os").asText()).isEqualTo("linux");
    }

    @Test
    void archive_shouldHoldAnOciLayoutWithTheSameBlobs_whenReadAsOci() throws Exception {
        JsonNode index = JSON.readTree(files.get("index.json"));
        String manifestDigest = index.get("manifests").get(0).get("digest").asText();
        JsonNode manifest = JSON.readTree(files.get("blobs/sha256/" + manifestDigest.substring(7)));
        JsonNode docker = JSON.readTree(files.get("manifest.json")).get(0);

        assertThat(files).containsKey("oci-layout");
        assertThat("blobs/sha256/" + manifest.get("config").get("digest").asText().substring(7))
                .isEqualTo(docker.get("Config").asText());
        for (Map.Entry<String, byte[]> blob : files.entrySet()) {
            if (blob.getKey().startsWith("blobs/sha256/")) {
                assertThat(sha256(blob.getValue())).as(blob.getKey()).isEqualTo(blob.getKey().substring(13));
            }
        }
        List<String> diffIds = strings(config.get("rootfs").get("diff_ids"));
        JsonNode layers = manifest.get("layers");
        assertThat(layers).hasSameSizeAs(diffIds);
        for (int i = 0; i < diffIds.size(); i++) {
            byte[] layer = files.get("blobs/sha256/" + layers.get(i).get("digest").asText().substring(7));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(new GZIPInputStream(new java.io.ByteArrayInputStream(layer)), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertThat("sha256:" + HexFormat.of().formatHex(digest.digest())).isEqualTo(diffIds.get(i));
        }
    }

    @Test
    void entrypoint_shouldPrintTheUsage_whenRunWithHelpFromTheUnpackedLayers() throws Exception {
        Run run = runInImage(List.of("--help"), Map.of());

        assertThat(run.status()).as(run.output()).isZero();
        assertThat(run.output()).contains("Usage: replication").contains("validator").contains("config");
    }

    @Test
    void entrypoint_shouldCheckAConfiguration_whenRunWithConfigCheckFromTheUnpackedLayers() throws Exception {
        Files.writeString(root.resolve("tmp/check.yaml"), """
                region: us-east-1
                organization_id: my-org
                regional_endpoint: http://lakefs.default.svc.cluster.local:80
                dst_endpoints: {us-west-2: "https://lakefs-west.example.com"}
                mirrors_database: {type: dynamodb, dynamodb: {table_name: my-replication-table}}
                blockstore: {type: s3}
                """);
        Files.setPosixFilePermissions(root.resolve("tmp/check.yaml"), PosixFilePermissions.fromString("rw-r--r--"));

        Run run = runInImage(List.of("config", "check", "--config", "/tmp/check.yaml"), Map.of(
                "REPLICATION_SOURCE_LAKEFS_ACCESS_KEY_ID", "AKIAEXAMPLE",
                "REPLICATION_SOURCE_LAKEFS_SECRET_ACCESS_KEY", "secret",
                "REPLICATION_AUTH_ENCRYPT_SECRET_KEY", "shared-secret"));

        assertThat(run.status()).as(run.output()).isZero();
        assertThat(run.output()).contains("us-east-1").contains("my-replication-table").doesNotContain("shared-secret");
    }

    @Test
    void healthcheck_shouldFail_whenNothingServesTheHealthPort() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<String> test = strings(config.get("config").get("Healthcheck").get("Test"));
        List<String> command = new ArrayList<>(test.subList(1, test.size()));
        command.add(String.valueOf(closedPort));

        Run run = run(command, Map.of());

        assertThat(run.status()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("/healthcheck did not answer");
    }

    private record Run(int status, String output) {
    }

    private static Run runInImage(List<String> args, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(strings(config.get("config").get("Entrypoint")));
        command.addAll(args);
        return run(command, env);
    }

    /**
     * Runs {@code command} inside the unpacked root as a container runtime would: its own mount and
     * PID namespaces with a fresh {@code /proc} (the JVM finds its libraries through it), chrooted,
     * as the image's user, with the image's environment only. Without root, a user namespace
     * grants the same (as its root user).
     */
    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> full = new ArrayList<>(List.of("unshare"));
        if (!root) {
            full.addAll(List.of("--user", "--map-root-user"));
        }
        // The child's PATH is the image's: name the host's tools by their paths.
        full.addAll(List.of("--mount", "--pid", "--fork", "/bin/sh", "-c",
                hostTool("mount") + " -t proc proc \"$0/proc\" && exec " + hostTool("chroot") + " "
                        + (root ? "--userspec=\"$USERSPEC\" " : "") + "\"$0\" \"$@\"", ImageIT.root.toString()));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().clear();
        for (JsonNode e : config.get("config").get("Env")) {
            String[] kv = e.asText().split("=", 2);
            builder.environment().put(kv[0], kv[1]);
        }
        builder.environment().putAll(env);
        builder.environment().put("USERSPEC", config.get("config").get("User").asText());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no exit within 120 s: " + full + "\n" + output);
        }
        return new Run(process.exitValue(), output);
    }

    private static String hostTool(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return name;
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        return StreamSupport.stream(((Iterable<T>) () -> it).spliterator(), false).toList();
    }
}
