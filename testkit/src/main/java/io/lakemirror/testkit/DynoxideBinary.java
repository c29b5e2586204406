package io.lakemirror.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@code dynoxide} executable, installing the npm package of this machine's OS and CPU
 * ({@code @dynoxide/<os>-<cpu>}, npm's names: {@code linux}, {@code darwin}, {@code win32};
 * {@code x64}, {@code arm64}) at {@value #VERSION} into {@code <repo>/.tools} when it is missing and
 * npm is available.
 *
 * <p>dynoxide is published on npm for {@link #PUBLISHED_PLATFORMS} only (checked with {@code npm view
 * @dynoxide/<platform> version}: {@code linux-arm64}, {@code darwin-x64}, {@code darwin-arm64} and
 * {@code win32-x64} answer 404). Elsewhere the lookup fails saying so, with the two ways on: a
 * dynoxide binary built for the machine in {@value #OVERRIDE}, or the end-to-end suite on LocalStack
 * ({@code mvn verify -Plocalstack}, with Docker).
 *
 * <p>Lookup order: system property or environment variable {@value #OVERRIDE} (a path to the
 * binary); {@code .tools/node_modules/@dynoxide/<platform>/dynoxide} in the working directory or any
 * parent; then an npm install into the reactor root's {@code .tools} (or {@code ~/.cache/lakemirror/.tools}
 * outside a checkout). Without npm it fails with the command to run, never skips.
 */
public final class DynoxideBinary {
    public static final String OVERRIDE = "LAKEMIRROR_DYNOXIDE";
    /** npm's name of this machine's platform, e.g. {@code linux-x64}. */
    public static final String PLATFORM = platform(System.getProperty("os.name"), System.getProperty("os.arch"));
    /** Platforms whose {@code @dynoxide/<platform>} package exists on npm. */
    public static final java.util.Set<String> PUBLISHED_PLATFORMS = java.util.Set.of("linux-x64");
    public static final String PACKAGE = "@dynoxide/" + PLATFORM;
    public static final String VERSION = "1.2.1";
    static final String RELATIVE = ".tools/node_modules/" + PACKAGE + "/dynoxide" + (PLATFORM.startsWith("win32") ? ".exe" : "");

    private static final Logger LOG = LoggerFactory.getLogger(DynoxideBinary.class);
    private static final long INSTALL_TIMEOUT_SECONDS = 300;

    private DynoxideBinary() {
    }

    /** The executable to run, installing it first when needed. */
    public static Path resolve() {
        return resolve(Optional.ofNullable(System.getProperty(OVERRIDE)).or(() -> Optional.ofNullable(System.getenv(OVERRIDE))),
                Path.of("").toAbsolutePath(), System.getenv());
    }

    /**
     * As {@link #resolve()}, looking for {@code .tools} from {@code searchFrom} upwards instead of the
     * working directory (e.g. from the runnable jar inside a checkout, whatever directory it runs in).
     */
    public static Path resolve(Path searchFrom) {
        return resolve(Optional.ofNullable(System.getProperty(OVERRIDE)).or(() -> Optional.ofNullable(System.getenv(OVERRIDE))),
                searchFrom.toAbsolutePath(), System.getenv());
    }

    static synchronized Path resolve(Optional<String> override, Path workingDirectory, Map<String, String> env) {
        if (override.isPresent() && !override.get().isBlank()) {
            Path given = Path.of(override.get());
            if (!Files.isExecutable(given)) {
                throw new IllegalStateException(OVERRIDE + "=" + given + " is not an executable file: point it at the"
                        + " dynoxide binary or unset it to use " + RELATIVE);
            }
            return given;
        }
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path toolsRoot = installRoot(workingDirectory);
        if (!PUBLISHED_PLATFORMS.contains(PLATFORM)) {
            throw new IllegalStateException("dynoxide is not installed, and npm has no dynoxide package for this machine ("
                    + PACKAGE + "; dynoxide publishes " + PUBLISHED_PLATFORMS + " only): set " + OVERRIDE + " to a dynoxide "
                    + VERSION + " binary built for " + PLATFORM + ", or run the end-to-end suite on LocalStack"
                    + " (mvn verify -Plocalstack, needs Docker)");
        }
        Optional<Path> npm = findOnPath("npm", env);
        if (npm.isEmpty()) {
            throw new IllegalStateException("dynoxide is not installed (looked for " + RELATIVE + " from "
                    + workingDirectory + " upwards) and npm is not on PATH: run .ci/install-tools (or `npm install"
                    + " --prefix " + toolsRoot.resolve(".tools") + " " + PACKAGE + "@" + VERSION + "`), or set "
                    + OVERRIDE + " to a dynoxide binary");
        }
        return install(npm.get(), toolsRoot);
    }

    /** The reactor root (the directory whose pom.xml is lakemirror-parent), else a per-user cache. */
    static Path installRoot(Path workingDirectory) {
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>lakemirror-parent</artifactId>")) {
                    return dir;
                }
            } catch (IOException e) {
                LOG.trace("Skipping {} while looking for the reactor root ({})", pom, e.toString());
            }
        }
        return Path.of(System.getProperty("user.home"), ".cache", "lakemirror");
    }

    private static Path install(Path npm, Path root) {
        Path tools = root.resolve(".tools");
        Path binary = root.resolve(RELATIVE);
        try {
            Files.createDirectories(tools);
            // Another JVM (a parallel module build) may be installing into the same folder.
            try (FileChannel channel = FileChannel.open(tools.resolve(".install.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (Files.isExecutable(binary)) {
                    return binary;
                }
                List<String> command = new ArrayList<>(List.of(npm.toString(), "install", "--no-save", "--no-audit",
                        "--no-fund", "--no-package-lock", "--prefix", tools.toString(), PACKAGE + "@" + VERSION));
                LOG.info("Installing dynoxide {} into {} ({})", VERSION, tools, String.join(" ", command));
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                process.getOutputStream().close();
                String output;
                try (InputStream in = process.getInputStream()) {
                    output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (!process.waitFor(INSTALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("npm install of " + PACKAGE + " did not finish in "
                            + INSTALL_TIMEOUT_SECONDS + " s: run .ci/install-tools by hand");
                }
                if (process.exitValue() != 0 || !Files.isExecutable(binary)) {
                    throw new IllegalStateException("npm install of " + PACKAGE + "@" + VERSION + " failed (exit "
                            + process.exitValue() + "): " + output.strip() + "\nRun .ci/install-tools by hand or set "
                            + OVERRIDE);
                }
                return binary;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install dynoxide into " + tools + ": run .ci/install-tools or set "
                    + OVERRIDE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing dynoxide into " + tools, e);
        }
    }

    /** npm's {@code <os>-<cpu>} for a JVM's {@code os.name} and {@code os.arch}. */
    static String platform(String osName, String osArch) {
        String lower = osName.toLowerCase(java.util.Locale.ROOT);
        String os = lower.startsWith("mac") || lower.startsWith("darwin") ? "darwin"
                : lower.startsWith("windows") ? "win32" : lower.replace(' ', '-');
        String cpu = switch (osArch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
        return os + "-" + cpu;
    }

    static Optional<Path> findOnPath(String name, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
