package io.lakemirror.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Lets a test assert that no process it started outlives it.
 *
 * <p>Two sources are checked: the descendants of this JVM, and every process the testkit started
 * ({@link #track}), because a grandchild whose parent died is re-parented to init and no longer
 * shows up among the descendants. Waiting uses {@link ProcessHandle#onExit()}, never a sleep.
 *
 * <pre>{@code
 * ProcessHygiene.Snapshot before = ProcessHygiene.snapshot();
 * try (World world = World.builder().start()) { ... }
 * before.assertNoNewProcesses(Duration.ofSeconds(5));
 * }</pre>
 */
public final class ProcessHygiene {
    private static final Map<Long, ProcessHandle> TRACKED = new ConcurrentHashMap<>();

    private ProcessHygiene() {
    }

    /** Records a process the testkit started, so that checks see it even after it is orphaned. */
    static void track(ProcessHandle process) {
        TRACKED.put(process.pid(), process);
    }

    /** Every live descendant of this JVM and every live tracked process. */
    public static List<ProcessHandle> liveProcesses() {
        Map<Long, ProcessHandle> live = new LinkedHashMap<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> live.put(p.pid(), p));
        TRACKED.values().stream().filter(ProcessHandle::isAlive).forEach(p -> live.put(p.pid(), p));
        return List.copyOf(live.values());
    }

    /** The processes alive now; later checks report only processes started after it. */
    public static Snapshot snapshot() {
        return new Snapshot(liveProcesses().stream().map(ProcessHandle::pid).collect(Collectors.toUnmodifiableSet()));
    }

    /** One line per process: pid and command line. */
    public static String describe(Collection<ProcessHandle> processes) {
        return processes.stream()
                .map(p -> "pid " + p.pid() + ": " + p.info().commandLine().or(() -> p.info().command()).orElse("?"))
                .collect(Collectors.joining("; "));
    }

    /** The set of processes alive when it was taken. */
    public static final class Snapshot {
        private final Set<Long> pids;

        private Snapshot(Set<Long> pids) {
            this.pids = pids;
        }

        /** Processes alive now that were not alive at the snapshot. */
        public List<ProcessHandle> newProcesses() {
            return liveProcesses().stream().filter(p -> !pids.contains(p.pid())).toList();
        }

        /**
         * Waits up to {@code timeout} for every process started since the snapshot to exit, then
         * throws an {@link AssertionError} naming the survivors.
         */
        public void assertNoNewProcesses(Duration timeout) {
            List<ProcessHandle> survivors = newProcesses();
            if (survivors.isEmpty()) {
                return;
            }
            CompletableFuture<?>[] exits = survivors.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                List<ProcessHandle> still = new ArrayList<>(newProcesses());
                if (!still.isEmpty()) {
                    throw new AssertionError(still.size() + " process(es) started by the test are still alive "
                            + timeout.toMillis() + " ms after close: " + describe(still));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for child processes to exit", e);
            } catch (ExecutionException e) {
                throw new AssertionError("cannot wait for child processes: " + e.getCause(), e.getCause());
            }
        }
    }
}
