package io.lakemirror.it.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application class-data archive (JDK AppCDS) of the launcher, so that the dozens of component
 * JVMs a fault run starts and restarts load their classes from a shared, pre-parsed archive instead
 * of parsing and verifying thousands of classes each time: on two cores, start-up CPU decides how
 * long a killed component stays down. The archive is made once per classpath by a training run of
 * {@code bin/replication all} that stops gracefully (the JVM writes the archive at exit), and kept
 * under {@code target/}. Without it (training failed) components start the slow way.
 */
final class ClassDataArchive {
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    private static final Duration TRAINING = Duration.ofMinutes(3);

    private ClassDataArchive() {
    }

    /** JVM options that use the archive for {@code classpath}, training it first when absent; empty on failure. */
    static List<String> prepare(Path dir, String classpath, Path config) {
        Path archive = dir.getParent().resolve("launcher-" + hash(classpath) + ".jsa");
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
        }
        Instant started = Instant.now();
        Path log = dir.resolve("cds-training.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ComponentProcess.JVM_OPTIONS);
        command.add("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath());
        command.addAll(List.of("-cp", classpath, "io.lakemirror.sandbox.SandboxMain", "sandbox", "run", "all",
                "--config", config.toString()));
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("REPLICATION_"));
            process = builder.start();
            Instant deadline = Instant.now().plus(TRAINING);
            while (Instant.now().isBefore(deadline) && process.isAlive()
                    && !Files.readString(log, StandardCharsets.UTF_8).contains(" running: [")) {
                process.waitFor(250, TimeUnit.MILLISECONDS);
            }
            process.destroy();
            if (!process.waitFor(TRAINING.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            LOG.warn("class-data archive training failed ({}); components start without it", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
        if (!Files.isRegularFile(archive)) {
            LOG.warn("no class-data archive was written (see {}); components start without it", log);
            return List.of();
        }
        LOG.info("class-data archive {} trained in {} ms", archive, Duration.between(started, Instant.now()).toMillis());
        return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
    }

    /** Of the classpath and each jar's size and time: the JVM refuses an archive whose jars changed. */
    private static String hash(String classpath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String entry : classpath.split(java.io.File.pathSeparator)) {
                java.io.File f = new java.io.File(entry);
                digest.update((entry + "|" + f.length() + "|" + f.lastModified() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
