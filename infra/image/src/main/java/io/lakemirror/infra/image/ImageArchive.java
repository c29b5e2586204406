package io.lakemirror.infra.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a container image as one tar that is both an OCI image layout (oci-layout, index.json,
 * blobs/sha256/…) and a {@code docker save} archive (manifest.json naming the same blobs), the layout
 * Docker 25 itself saves: {@code docker load}, {@code skopeo copy oci-archive:} or
 * {@code docker-archive:}, and {@code crane push} all read it. Layers are gzip-compressed tars whose
 * entries carry fixed times and root ownership unless an entry says otherwise, so the same inputs
 * give the same digests.
 *
 * <p>Written with commons-compress and Jackson rather than Jib, because Jib cannot give the image a
 * health check, a symbolic link or a sticky {@code /tmp}.
 */
public final class ImageArchive {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    private static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    /** Entry times inside layers: fixed, so rebuilding unchanged inputs gives identical layers. */
    private static final long ENTRY_TIME_MILLIS = 1_000L;

    /** One file system entry of a layer. */
    public sealed interface Entry permits Directory, RegularFile, Content, Symlink {
        /** Absolute path in the image. */
        String path();
    }

    public record Directory(String path, int mode, int uid, int gid) implements Entry {
    }

    public record RegularFile(String path, Path source, int mode) implements Entry {
    }

    public record Content(String path, byte[] bytes, int mode) implements Entry {
    }

    public record Symlink(String path, String target) implements Entry {
    }

    /** A layer: a name for the history and its entries, written in order (parents first). */
    public record Layer(String name, List<Entry> entries) {
    }

    /** The image's run configuration (the {@code config} object of the image configuration). */
    public record RunConfig(List<String> entrypoint, List<String> cmd, String user, String workingDir,
                            Map<String, String> env, List<Integer> exposedPorts, Map<String, String> labels,
                            List<String> healthcheck) {
    }

    private record Blob(String digest, long size, Path file) {
    }

    private ImageArchive() {
    }

    /**
     * Writes the image to {@code output}.
     *
     * @param reference    the name and tag recorded for {@code docker load} (for example {@code lakemirror:0.1.0})
     * @param architecture the OCI architecture ({@code amd64}, {@code arm64})
     */
    public static void write(Path output, String reference, String architecture, RunConfig run, List<Layer> layers,
                             Path workDir) throws IOException {
        Files.createDirectories(workDir);
        List<Blob> layerBlobs = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (Layer layer : layers) {
            Path tmp = workDir.resolve("layer-" + layerBlobs.size() + ".tar.gz");
            MessageDigest diff = sha256();
            MessageDigest compressed = sha256();
            try (OutputStream file = Files.newOutputStream(tmp);
                 DigestOutputStream compressedDigest = new DigestOutputStream(file, compressed);
                 GZIPOutputStream gzip = new FastGzip(compressedDigest);
                 DigestOutputStream diffDigest = new DigestOutputStream(gzip, diff);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(diffDigest)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Entry entry : layer.entries()) {
                    writeEntry(tar, entry);
                }
                tar.finish();
            }
            diffIds.add("sha256:" + hex(diff));
            layerBlobs.add(new Blob("sha256:" + hex(compressed), Files.size(tmp), tmp));
        }

        ObjectNode config = JSON.createObjectNode();
        config.put("created", Instant.EPOCH.toString());
        config.put("architecture", architecture);
        config.put("os", "linux");
        ObjectNode c = config.putObject("config");
        c.put("User", run.user());
        c.put("WorkingDir", run.workingDir());
        ArrayNode env = c.putArray("Env");
        run.env().forEach((k, v) -> env.add(k + "=" + v));
        run.entrypoint().forEach(c.putArray("Entrypoint")::add);
        run.cmd().forEach(c.putArray("Cmd")::add);
        ObjectNode ports = c.putObject("ExposedPorts");
        run.exposedPorts().forEach(p -> ports.putObject(p + "/tcp"));
        ObjectNode labels = c.putObject("Labels");
        run.labels().forEach(labels::put);
        if (!run.healthcheck().isEmpty()) {
            ObjectNode health = c.putObject("Healthcheck");
            ArrayNode test = health.putArray("Test").add("CMD");
            run.healthcheck().forEach(test::add);
            // Docker's units: nanoseconds.
            health.put("Interval", 30_000_000_000L);
            health.put("Timeout", 10_000_000_000L);
            health.put("StartPeriod", 90_000_000_000L);
            health.put("Retries", 3);
        }
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        diffIds.forEach(rootfs.putArray("diff_ids")::add);
        ArrayNode history = config.putArray("history");
        layers.forEach(l -> history.addObject().put("created", Instant.EPOCH.toString()).put("created_by", "lakemirror image: " + l.name()));
        Blob configBlob = blob(workDir, "config.json", JSON.writeValueAsBytes(config));

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_MEDIA_TYPE);
        descriptor(manifest.putObject("config"), CONFIG_MEDIA_TYPE, configBlob);
        ArrayNode manifestLayers = manifest.putArray("layers");
        layerBlobs.forEach(b -> descriptor(manifestLayers.addObject(), LAYER_MEDIA_TYPE, b));
        Blob manifestBlob = blob(workDir, "manifest.json", JSON.writeValueAsBytes(manifest));

        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode m = index.putArray("manifests").addObject();
        descriptor(m, MANIFEST_MEDIA_TYPE, manifestBlob);
        ObjectNode annotations = m.putObject("annotations");
        annotations.put("io.containerd.image.name", reference);
        annotations.put("org.opencontainers.image.ref.name", reference.substring(reference.lastIndexOf(':') + 1));

        ArrayNode dockerManifest = JSON.createArrayNode();
        ObjectNode d = dockerManifest.addObject();
        d.put("Config", blobPath(configBlob));
        d.putArray("RepoTags").add(reference);
        ArrayNode dockerLayers = d.putArray("Layers");
        layerBlobs.forEach(b -> dockerLayers.add(blobPath(b)));

        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tmp))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            writeEntry(tar, new Directory("/blobs", 0755, 0, 0));
            writeEntry(tar, new Directory("/blobs/sha256", 0755, 0, 0));
            List<Blob> blobs = new ArrayList<>(layerBlobs);
            blobs.add(configBlob);
            blobs.add(manifestBlob);
            for (Blob b : blobs) {
                writeEntry(tar, new RegularFile("/" + blobPath(b), b.file(), 0644));
            }
            writeEntry(tar, new Content("/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(), 0644));
            writeEntry(tar, new Content("/index.json", JSON.writeValueAsBytes(index), 0644));
            writeEntry(tar, new Content("/manifest.json", JSON.writeValueAsBytes(dockerManifest), 0644));
            tar.finish();
        }
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void descriptor(ObjectNode node, String mediaType, Blob blob) {
        node.put("mediaType", mediaType);
        node.put("digest", blob.digest());
        node.put("size", blob.size());
    }

    private static String blobPath(Blob blob) {
        return "blobs/sha256/" + blob.digest().substring("sha256:".length());
    }

    private static Blob blob(Path workDir, String name, byte[] bytes) throws IOException {
        Path file = workDir.resolve(name);
        Files.write(file, bytes);
        MessageDigest digest = sha256();
        digest.update(bytes);
        return new Blob("sha256:" + hex(digest), bytes.length, file);
    }

    private static void writeEntry(TarArchiveOutputStream tar, Entry entry) throws IOException {
        String name = entry.path().substring(1);
        TarArchiveEntry t;
        if (entry instanceof Directory dir) {
            t = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
            t.setMode(dir.mode() | 040000);
            t.setIds(dir.uid(), dir.gid());
        } else if (entry instanceof RegularFile file) {
            t = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            t.setMode(file.mode() | 0100000);
            t.setSize(Files.size(file.source()));
        } else if (entry instanceof Content content) {
            t = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            t.setMode(content.mode() | 0100000);
            t.setSize(content.bytes().length);
        } else {
            Symlink link = (Symlink) entry;
            t = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            t.setLinkName(link.target());
            t.setMode(0777 | 0120000);
        }
        t.setModTime(ENTRY_TIME_MILLIS);
        tar.putArchiveEntry(t);
        if (entry instanceof RegularFile file) {
            try (InputStream in = Files.newInputStream(file.source())) {
                in.transferTo(tar);
            }
        } else if (entry instanceof Content content) {
            tar.write(content.bytes());
        }
        tar.closeArchiveEntry();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** gzip at the fastest level: jars are already compressed, and the image builds in every CI run. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
