package io.lakemirror.infra.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shared libraries a jlink runtime needs from the operating system, found with {@code ldd} on
 * its launcher and native libraries, and the Debian copyright files that go with them (the C
 * library is LGPL: its licence travels with the copy).
 */
final class NativeLibraries {
    /** "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)". */
    private static final Pattern RESOLVED = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x[0-9a-f]+\\)");

    private NativeLibraries() {
    }

    /**
     * A library for the image: where the loader looks for it (its soname's path, as ldd reports it,
     * with a merged /usr's {@code /lib} spelled {@code /usr/lib}) and the real file to copy there.
     */
    record Library(String path, Path file) {
    }

    /** Every library outside {@code runtime} that it links against. */
    static List<Library> of(Path runtime) throws IOException, InterruptedException {
        List<Path> elves = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(runtime)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".so") || p.getParent().getFileName().toString().equals("bin")
                            || p.getFileName().toString().equals("jspawnhelper"))
                    .sorted().forEach(elves::add);
        }
        Set<Path> found = new LinkedHashSet<>();
        Set<String> inRuntime = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(runtime)) {
            walk.filter(Files::isRegularFile).forEach(p -> inRuntime.add(p.getFileName().toString()));
        }
        for (Path elf : elves) {
            for (String lib : ldd(elf, inRuntime)) {
                Path p = Path.of(lib);
                if (!p.startsWith(runtime)) {
                    found.add(p);
                }
            }
        }
        boolean mergedUsr = Files.isSymbolicLink(Path.of("/lib"));
        java.util.Map<String, Library> libraries = new java.util.TreeMap<>();
        for (Path p : found) {
            String path = p.toString();
            if (mergedUsr && path.startsWith("/lib/")) {
                path = "/usr" + path;
            }
            libraries.putIfAbsent(path, new Library(path, p.toRealPath()));
        }
        if (libraries.keySet().stream().noneMatch(p -> p.contains("/libc.so"))) {
            throw new IllegalStateException("ldd found no C library behind " + runtime + "; is this a glibc system?");
        }
        return List.copyOf(libraries.values());
    }

    /** The resolved libraries of {@code elf}; a library ldd cannot find must be one of the runtime's own (libjvm.so). */
    private static List<String> ldd(Path elf, Set<String> inRuntime) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("ldd", elf.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run ldd (Debian: apt-get install libc-bin) to find the libraries of " + elf, e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("ldd " + elf + " did not finish within 30 s");
        }
        for (String line : out.split("\n")) {
            if (line.contains("=> not found") && !inRuntime.contains(line.trim().split("\\s+")[0])) {
                throw new IllegalStateException("ldd " + elf + " names a library this machine lacks:\n" + out);
            }
        }
        List<String> libs = new ArrayList<>();
        Matcher m = RESOLVED.matcher(out);
        while (m.find()) {
            libs.add(m.group(1));
        }
        return libs;
    }

    /** {@code /usr/share/doc/<package>/copyright} of each library's Debian package, where dpkg knows it. */
    static Set<String> copyrights(List<Path> libraries) throws IOException, InterruptedException {
        Set<String> files = new TreeSet<>();
        for (Path lib : libraries) {
            lib = lib.toRealPath();
            // dpkg records the path the package shipped: /lib/… on a merged-/usr system whose real files are in /usr/lib/….
            String pkg = dpkgOwner(lib.toString());
            if (pkg == null && lib.toString().startsWith("/usr/")) {
                pkg = dpkgOwner(lib.toString().substring("/usr".length()));
            }
            if (pkg == null) {
                continue;
            }
            Path copyright = Path.of("/usr/share/doc", pkg, "copyright");
            if (Files.isRegularFile(copyright)) {
                files.add(copyright.toString());
            }
        }
        return files;
    }

    private static String dpkgOwner(String path) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("dpkg", "-S", path).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || out.indexOf(':') < 0) {
            return null;
        }
        return out.substring(0, out.indexOf(':'));
    }
}
