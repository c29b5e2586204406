package io.lakemirror.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One component of one region ({@code bin/replication sensor|validator|promoter|api}) running in its
 * own OS process on the test world's servers ({@code bin/replication sandbox run}), so that
 * it can be killed with SIGKILL and started again like a crashed container. Every incarnation
 * appends to the same log file, under a banner. Thread-safe.
 */
final class ComponentProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentProcess.class);
    /** Small, fast-starting JVMs: a dozen of them share two cores with the world. */
    static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto");

    enum Kind {
        SENSOR("sensor"), VALIDATOR("validator"), PROMOTER("promoter"), API("api");

        final String command;

        Kind(String command) {
            this.command = command;
        }
    }

    private final String region;
    private final Kind kind;
    private final int index;
    private final Path config;
    private final Path log;
    private final String classpath;
    private final List<String> extraJvmOptions;
    private Process process;
    private int starts;
    private int kills;
    /** How far this process's wall clock runs off the host's, from its next start (CLOCK_SKEW). */
    private Duration clockOffset = Duration.ZERO;
    private boolean paused;

    ComponentProcess(String region, Kind kind, int index, Path config, Path logDir, String classpath,
                     List<String> extraJvmOptions) {
        this.region = region;
        this.kind = kind;
        this.index = index;
        this.config = config;
        this.log = logDir.resolve(region + "-" + kind.command + "-" + index + ".log");
        this.classpath = classpath;
        this.extraJvmOptions = List.copyOf(extraJvmOptions);
    }

    String region() {
        return region;
    }

    Kind kind() {
        return kind;
    }

    Path log() {
        return log;
    }

    synchronized int starts() {
        return starts;
    }

    synchronized int kills() {
        return kills;
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    synchronized Optional<ProcessHandle> handle() {
        return Optional.ofNullable(process).filter(Process::isAlive).map(Process::toHandle);
    }

    /** Starts a new incarnation unless one is running. */
    synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(extraJvmOptions);
        command.add("-Dlakemirror.component=" + this);
        command.add("-cp");
        command.add(classpath);
        command.add("io.lakemirror.sandbox.SandboxMain");
        command.add("sandbox");
        command.add("run");
        command.add(kind.command);
        command.add("--config");
        command.add(config.toString());
        if (!clockOffset.isZero()) {
            command.add("--clock-offset");
            command.add(clockOffset.toString());
        }
        try {
            starts++;
            Files.writeString(log, "\n===== " + this + " start " + starts + " at " + java.time.Instant.now() + " =====\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // The configuration file is the whole truth: no REPLICATION_* variable of the test JVM leaks in.
            builder.environment().keySet().removeIf(k -> k.startsWith("REPLICATION_"));
            process = builder.start();
            LOG.debug("started {} (pid {}, start {})", this, process.pid(), starts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + this, e);
        }
    }

    /** SIGKILL, as a crashed host or an OOM kill would; waits until the process is gone. */
    synchronized boolean kill() {
        if (!isRunning()) {
            return false;
        }
        kills++;
        process.destroyForcibly();
        paused = false;
        waitFor(process, Duration.ofSeconds(10));
        LOG.debug("killed {} (pid {})", this, process.pid());
        return true;
    }

    /** The wall-clock offset of the next incarnation (CLOCK_SKEW): its leases must not care. */
    synchronized void clockOffset(Duration offset) {
        clockOffset = offset;
    }

    synchronized Duration clockOffset() {
        return clockOffset;
    }

    /**
     * SIGSTOP (PAUSE): the process stops where it is, mid-request or mid-lease, as a long GC pause or
     * a frozen VM would; its monotonic clock keeps counting. ProcessHandle has no signals, hence kill(1).
     */
    synchronized boolean pause() {
        if (!isRunning() || paused) {
            return false;
        }
        paused = signal("STOP");
        return paused;
    }

    /** SIGCONT after {@link #pause}: the process resumes and finds its leases' time gone. */
    synchronized boolean resume() {
        if (!paused) {
            return false;
        }
        paused = false;
        return isRunning() && signal("CONT");
    }

    private boolean signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
            return waitFor(kill, Duration.ofSeconds(10)) && kill.exitValue() == 0;
        } catch (IOException e) {
            LOG.warn("cannot send SIG{} to {}: {}", name, this, e.toString());
            return false;
        }
    }

    /** SIGTERM (graceful shutdown hooks run), then SIGKILL after {@code grace}. */
    synchronized void stop(Duration grace) {
        if (!isRunning()) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
        if (!waitFor(process, grace)) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
    }

    /** Whether this incarnation has logged that its components run. */
    boolean isReady() {
        if (!isRunning()) {
            return false;
        }
        try {
            String text = Files.readString(log);
            int banner = text.lastIndexOf("===== " + this + " start ");
            return banner >= 0 && text.indexOf(" running: [", banner) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return region + "/" + kind.command + "-" + index;
    }
}
