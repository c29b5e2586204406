package io.lakemirror.infra.image;

import io.lakemirror.infra.image.ImageArchive.Content;
import io.lakemirror.infra.image.ImageArchive.Directory;
import io.lakemirror.infra.image.ImageArchive.Entry;
import io.lakemirror.infra.image.ImageArchive.Layer;
import io.lakemirror.infra.image.ImageArchive.RegularFile;
import io.lakemirror.infra.image.ImageArchive.RunConfig;
import io.lakemirror.infra.image.ImageArchive.Symlink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the container image of the production runnable without a container engine: a Java
 * runtime that jlink makes from the JDK running the build (no base image is pulled: the build
 * reaches no container registry), the shared libraries that runtime links against copied from the
 * build machine (the C library, libstdc++, zlib, with their Debian copyright files), then
 * {@code launcher/target/lib/} and {@code lakemirror.jar}.
 *
 * <pre>
 *   java -cp … io.lakemirror.infra.image.ImageBuilder --launcher launcher/target --output lakemirror-image.tar
 *        [--reference lakemirror:TAG] [--work DIR]
 * </pre>
 *
 * <p>The image runs {@code java -jar /app/lakemirror.jar} as user 65532 from {@code /app}, with
 * {@code /opt/java/bin} on the PATH, so {@code java -jar lakemirror.jar <worker>} also works there.
 */
public final class ImageBuilder {
    /**
     * The runtime's modules for the libraries: {@code jdeps --print-module-deps --ignore-missing-deps
     * --multi-release 17 --class-path 'lib/*' lakemirror.jar} in launcher/target (90 s here, too slow for
     * every build), plus providers only looked up at run time: elliptic-curve TLS (AWS and lakeFS over
     * HTTPS), DNS for JNDI, zip file systems. Every build adds what jdeps finds in lakemirror's own jars
     * (seconds), so a module our code starts using cannot be missed; a new library's module must be
     * added here. The modules these require come along.
     */
    static final List<String> MODULES = List.of(
            "java.base", "java.compiler", "java.desktop", "java.naming", "java.net.http", "java.security.jgss",
            "java.sql", "jdk.httpserver", "jdk.jfr", "jdk.management", "jdk.net", "jdk.unsupported",
            "jdk.crypto.ec", "jdk.naming.dns", "jdk.zipfs");
    /** java.desktop's native libraries that load X11, ALSA, FreeType and image codecs; nothing here draws. */
    static final List<String> DESKTOP_NATIVES = List.of("**/libawt_xawt.so", "**/libsplashscreen.so", "**/libjsound.so",
            "**/libfontmanager.so", "**/liblcms.so", "**/libjavajpeg.so", "**/libjawt.so");
    static final int USER = 65532;
    static final List<Integer> PORTS = List.of(8008, 8009);
    static final String JAVA_HOME = "/opt/java";
    static final String APP = "/app";

    private ImageBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path launcher = Path.of(required(options, "--launcher")).toAbsolutePath();
        Path output = Path.of(required(options, "--output")).toAbsolutePath();
        String reference = options.getOrDefault("--reference", "lakemirror:latest");
        Path work = Path.of(options.getOrDefault("--work", output.resolveSibling("image-work").toString())).toAbsolutePath();
        long t0 = System.nanoTime();
        build(launcher, output, reference, work);
        System.out.printf("image %s written to %s (%d MB) in %.1f s%n", reference, output,
                Files.size(output) / (1024 * 1024), (System.nanoTime() - t0) / 1e9);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name + "; usage: ImageBuilder --launcher DIR --output FILE"
                    + " [--reference NAME:TAG] [--work DIR]");
        }
        return value;
    }

    /** Builds the image of the runnable in {@code launcher} ({@code lakemirror.jar} and {@code lib/}) into {@code output}. */
    public static void build(Path launcher, Path output, String reference, Path work) throws IOException, InterruptedException {
        Path jar = launcher.resolve("lakemirror.jar");
        Path lib = launcher.resolve("lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IllegalStateException(launcher + " holds no lakemirror.jar with lib/: build the launcher first"
                    + " (mvn -pl launcher -am package -DskipTests)");
        }
        if (!System.getProperty("os.name").equals("Linux")) {
            throw new IllegalStateException("the image is built from this machine's Java runtime and C library, so it"
                    + " builds only on Linux (this is " + System.getProperty("os.name") + ")");
        }
        Path runtime = jlink(work.resolve("runtime"), modules(jar, lib));
        List<NativeLibraries.Library> natives = NativeLibraries.of(runtime);

        List<Layer> layers = List.of(
                new Layer("java runtime (jlink of " + System.getProperty("java.vm.version") + ")",
                        tree(runtime, JAVA_HOME)),
                new Layer("operating system files", osLayer(natives)),
                new Layer("libraries (launcher/target/lib)", tree(lib, APP + "/lib")),
                new Layer("lakemirror.jar", List.of(new RegularFile(APP + "/lakemirror.jar", jar, 0644))));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", JAVA_HOME + "/bin:/usr/bin:/bin");
        env.put("JAVA_HOME", JAVA_HOME);
        env.put("LANG", "C.UTF-8");
        env.put("HOME", "/home/lakemirror");
        Map<String, String> labels = new TreeMap<>();
        labels.put("org.opencontainers.image.title", "lakemirror");
        labels.put("org.opencontainers.image.description", "Transactional cross-region mirroring for lakeFS repositories");
        labels.put("org.opencontainers.image.licenses", "Apache-2.0");
        labels.put("org.opencontainers.image.version", reference.substring(reference.lastIndexOf(':') + 1));
        RunConfig run = new RunConfig(entrypoint(), List.of("--help"), USER + ":" + USER, APP, env, PORTS, labels,
                healthcheck());
        Files.createDirectories(output.getParent());
        ImageArchive.write(output, reference, architecture(), run, layers, work.resolve("blobs"));
    }

    /** {@code java} with flags for a container: heap from the container's memory limit, exit on OOM. */
    static List<String> entrypoint() {
        return List.of(JAVA_HOME + "/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=/tmp", "-Dfile.encoding=UTF-8", "-jar", APP + "/lakemirror.jar");
    }

    /** A short-lived JVM asking this process's health server; the image has no shell or curl. */
    static List<String> healthcheck() {
        return List.of(JAVA_HOME + "/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx24m",
                "-cp", APP + "/lakemirror.jar", "io.lakemirror.launcher.HealthProbe");
    }

    static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** {@link #MODULES} and every module lakemirror's own jars use, as jdeps finds them. */
    static Set<String> modules(Path jar, Path lib) throws IOException {
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps", "--multi-release",
                String.valueOf(Runtime.version().feature()), jar.toString()));
        try (Stream<Path> jars = Files.list(lib)) {
            jars.filter(p -> p.getFileName().toString().startsWith("lakemirror-")).sorted().map(Path::toString)
                    .forEach(args::add);
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException(
                "this Java has no jdeps: build the image with a JDK"));
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("jdeps failed (" + status + "): " + out);
        }
        Set<String> modules = new TreeSet<>(MODULES);
        String[] lines = out.toString().strip().split("\n");
        for (String module : lines[lines.length - 1].split(",")) {
            if (!module.isBlank()) {
                modules.add(module.strip());
            }
        }
        return modules;
    }

    /** The jlink runtime, reused while the JDK and the module list are unchanged (jlink takes 10–20 s). */
    static Path jlink(Path dir, Set<String> modules) throws IOException {
        String stamp = System.getProperty("java.home") + " " + System.getProperty("java.vm.version") + " " + modules
                + " " + DESKTOP_NATIVES;
        Path stampFile = dir.resolveSibling(dir.getFileName() + ".stamp");
        if (Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp) && Files.isDirectory(dir)) {
            return dir;
        }
        deleteTree(dir);
        Files.createDirectories(dir.getParent());
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException(
                "this Java has no jlink: build the image with a JDK (not a JRE) whose jmods/ are installed"
                        + " (Debian: openjdk-17-jdk-headless)"));
        StringWriter out = new StringWriter();
        int status = jlink.run(new PrintWriter(out), new PrintWriter(out), "--add-modules", String.join(",", modules),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2",
                // java.desktop is needed for java.beans only: no X11, sound, fonts or images, nor their libraries.
                "--exclude-files=" + String.join(",", DESKTOP_NATIVES),
                "--output", dir.toString());
        if (status != 0) {
            throw new IllegalStateException("jlink failed (" + status + "): " + out);
        }
        Files.writeString(stampFile, stamp);
        return dir;
    }

    private static List<Entry> osLayer(List<NativeLibraries.Library> natives) throws IOException, InterruptedException {
        Set<String> dirs = new TreeSet<>();
        List<Entry> files = new ArrayList<>();
        String loader = null;
        for (NativeLibraries.Library lib : natives) {
            // The loader goes where it really is; /lib64/ld-linux-x86-64.so.2 (every binary's interpreter) links to it.
            String path = lib.path().startsWith("/lib64/") ? lib.file().toString() : lib.path();
            parents(path, dirs);
            files.add(new RegularFile(path, lib.file(), 0755));
            if (path.contains("/ld-linux")) {
                loader = path;
            }
        }
        for (String copyright : NativeLibraries.copyrights(natives.stream().map(NativeLibraries.Library::file).toList())) {
            parents(copyright, dirs);
            files.add(new RegularFile(copyright, Path.of(copyright), 0644));
        }
        List<Entry> entries = new ArrayList<>();
        entries.add(new Directory("/etc", 0755, 0, 0));
        entries.add(new Directory("/tmp", 01777, 0, 0));
        // Mount points a container runtime fills.
        entries.add(new Directory("/proc", 0555, 0, 0));
        entries.add(new Directory("/sys", 0555, 0, 0));
        entries.add(new Directory("/dev", 0755, 0, 0));
        entries.add(new Directory("/home", 0755, 0, 0));
        entries.add(new Directory("/home/lakemirror", 0700, USER, USER));
        dirs.add("/lib64");
        dirs.forEach(d -> entries.add(new Directory(d, 0755, 0, 0)));
        entries.addAll(files);
        if (loader != null && !loader.equals("/lib64/ld-linux-x86-64.so.2") && architecture().equals("amd64")) {
            entries.add(new Symlink("/lib64/ld-linux-x86-64.so.2", loader));
        }
        if (natives.stream().allMatch(l -> l.path().startsWith("/usr/") || l.path().startsWith("/lib64/"))) {
            // A merged /usr, as on Debian 12: /lib is /usr/lib.
            entries.add(new Symlink("/lib", "usr/lib"));
        }
        entries.add(new Content("/etc/passwd", ("root:x:0:0:root:/root:/sbin/nologin\n"
                + "lakemirror:x:" + USER + ":" + USER + ":lakemirror:/home/lakemirror:/sbin/nologin\n").getBytes(StandardCharsets.UTF_8), 0644));
        entries.add(new Content("/etc/group", ("root:x:0:\nlakemirror:x:" + USER + ":\n").getBytes(StandardCharsets.UTF_8), 0644));
        entries.add(new Content("/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n".getBytes(StandardCharsets.UTF_8), 0644));
        entries.sort(java.util.Comparator.comparing(e -> e instanceof Directory ? 0 : 1));
        return entries;
    }

    private static void parents(String path, Set<String> dirs) {
        for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
            dirs.add(path.substring(0, slash));
        }
    }

    /** Every directory and file under {@code root}, at {@code into}, keeping the executable bit. */
    private static List<Entry> tree(Path root, String into) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Set<String> intoParents = new TreeSet<>();
        parents(into + "/", intoParents);
        intoParents.forEach(d -> entries.add(new Directory(d, 0755, 0, 0)));
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                String path = into + "/" + rel;
                if (Files.isSymbolicLink(p)) {
                    entries.add(new Symlink(path, Files.readSymbolicLink(p).toString()));
                } else if (Files.isDirectory(p)) {
                    entries.add(new Directory(path, 0755, 0, 0));
                } else {
                    boolean exec = Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
                    entries.add(new RegularFile(path, p, exec ? 0755 : 0644));
                }
            }
        }
        return entries;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
