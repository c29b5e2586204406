package io.lakemirror.launcher;

import io.lakemirror.config.Durations;
import io.lakemirror.config.ReplicationConfig;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.lakefs.LakeFsFactory;
import io.lakemirror.lakefs.LakeFsVersion;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.lakefs.sdk.SdkLakeFsFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The startup check of every lakeFS a process talks to ({@code regional_endpoint} and every
 * {@code dst_endpoints} entry): {@code GET /config/version} must name 1.11.0 or later, since an
 * older lakeFS creates a bare repository writable whatever {@code read_only} asks
 * (docs/design/lakefs-facts.md §1.4), and a writable mirror breaks invariant I6.
 *
 * <p>Refused, all reported at once: a release older than 1.11.0, a version that is no lakeFS release,
 * keys the lakeFS refuses, and a URL that serves no {@code /config/version}. Allowed with a warning:
 * an unreleased build ({@code dev}), and a lakeFS that does not answer (unreachable, 5xx, timeout), so
 * that losing a remote region never keeps the others from starting; the mirrors manager reads
 * {@code read_only} back after creating each repository, whatever the check saw.
 */
final class LakeFsVersionCheck {
    private static final Logger LOG = LoggerFactory.getLogger(LakeFsVersionCheck.class);
    /**
     * How long the whole check may take, so that a silent lakeFS (a lost region, a black-holing proxy)
     * delays a start by this much at most; a healthy lakeFS answers in milliseconds.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final SdkLakeFs.Settings CHECK_CLIENT = SdkLakeFs.Settings.DEFAULTS
            .withReadTimeout(Duration.ofSeconds(5)).withMaxAttempts(2);

    /** A lakeFS endpoint and the configuration key that names it. */
    record Endpoint(String key, URI uri) {
        @Override
        public String toString() {
            return key + " " + uri;
        }
    }

    /** What the check found: refusals, and what is only worth a warning. */
    record Outcome(List<String> problems, List<String> warnings) {
    }

    private LakeFsVersionCheck() {
    }

    /**
     * Checks every lakeFS of {@code config} with clients of its own (short timeouts, one retry).
     *
     * @throws StartupException naming each refused endpoint and its version
     */
    static void verify(ReplicationConfig config) {
        try (SdkLakeFsFactory clients = new SdkLakeFsFactory(config.lakeFsCredentials().accessKeyId(),
                config.lakeFsCredentials().secretAccessKey(), CHECK_CLIENT)) {
            Outcome outcome = check(endpoints(config), clients, TIMEOUT);
            if (!outcome.problems().isEmpty()) {
                throw new StartupException(outcome.problems());
            }
        }
    }

    /** {@code regional_endpoint}, then each {@code dst_endpoints} entry by region; an endpoint listed twice once. */
    static List<Endpoint> endpoints(ReplicationConfig config) {
        Map<URI, Endpoint> byUri = new LinkedHashMap<>();
        byUri.put(config.regionalEndpoint(), new Endpoint("regional_endpoint", config.regionalEndpoint()));
        new TreeMap<Region, URI>(config.dstEndpoints()).forEach((region, uri) ->
                byUri.putIfAbsent(uri, new Endpoint("dst_endpoints." + region, uri)));
        return List.copyOf(byUri.values());
    }

    /** Asks every endpoint at once and waits at most {@code timeout} for all of them. */
    static Outcome check(List<Endpoint> endpoints, LakeFsFactory clients, Duration timeout) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, endpoints.size()), r -> {
            Thread t = new Thread(r, "lakefs-version-check-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Endpoint, Future<Verdict>> asked = new LinkedHashMap<>();
            endpoints.forEach(e -> asked.put(e, pool.submit(() -> verdict(e, clients))));
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> problems = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (Map.Entry<Endpoint, Future<Verdict>> e : asked.entrySet()) {
                Verdict verdict = await(e.getKey(), e.getValue(), deadline, timeout);
                verdict.problem().ifPresent(problems::add);
                verdict.warning().ifPresent(w -> {
                    warnings.add(w);
                    LOG.warn("{}", w);
                });
            }
            return new Outcome(problems, warnings);
        } finally {
            pool.shutdownNow();
        }
    }

    private record Verdict(Optional<String> problem, Optional<String> warning) {
        static Verdict ok() {
            return new Verdict(Optional.empty(), Optional.empty());
        }

        static Verdict problem(String text) {
            return new Verdict(Optional.of(text), Optional.empty());
        }

        static Verdict warning(String text) {
            return new Verdict(Optional.empty(), Optional.of(text));
        }
    }

    private static Verdict await(Endpoint endpoint, Future<Verdict> answer, long deadline, Duration timeout) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return Verdict.warning(unchecked(endpoint, "it did not answer GET /config/version within " + Durations.format(timeout)));
        } catch (ExecutionException e) {
            return Verdict.problem("lakeFS " + endpoint + ": the version check failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the lakeFS versions", e);
        }
    }

    private static Verdict verdict(Endpoint endpoint, LakeFsFactory clients) {
        String reported;
        try {
            reported = clients.forEndpoint(endpoint.uri()).version();
        } catch (AuthenticationException e) {
            return Verdict.problem("lakeFS " + endpoint + " refuses the replication user's keys (lakefs.access_key_id):"
                    + " create that user with the same key pair on every lakeFS installation (" + e.getMessage() + ")");
        } catch (NotFoundException e) {
            return Verdict.problem("lakeFS " + endpoint + " does not serve GET /api/v1/config/version: check that the URL"
                    + " is a lakeFS server, given without /api/v1 (" + e.getMessage() + ")");
        } catch (ReplicationException e) {
            if (e.isRetryable()) {
                return Verdict.warning(unchecked(endpoint, e.getMessage()));
            }
            return Verdict.problem("lakeFS " + endpoint + ": cannot read its version: " + e.getMessage());
        }
        Optional<LakeFsVersion> release = LakeFsVersion.parse(reported);
        if (release.isPresent() && release.get().isAtLeast(LakeFsVersion.MINIMUM)) {
            LOG.info("lakeFS {} runs version {}", endpoint, reported);
            return Verdict.ok();
        }
        if (release.isPresent()) {
            return Verdict.problem("lakeFS " + endpoint + " runs version " + reported + ", older than "
                    + LakeFsVersion.MINIMUM + ": before " + LakeFsVersion.MINIMUM + " lakeFS creates a bare repository"
                    + " writable whatever read_only asks (treeverse/lakeFS#7458), so mirrors there would be writable;"
                    + " upgrade that lakeFS to " + LakeFsVersion.MINIMUM + " or later");
        }
        if (LakeFsVersion.isUnreleasedBuild(reported)) {
            return Verdict.warning("lakeFS " + endpoint + " is an unreleased build (version \"" + reported + "\"), so"
                    + " whether it keeps read_only of bare repositories (lakeFS " + LakeFsVersion.MINIMUM + " and later do)"
                    + " is unknown; starting anyway: the mirrors manager fails any mirror whose repository is writable");
        }
        return Verdict.problem("lakeFS " + endpoint + " reports version \"" + reported + "\", which is no lakeFS release"
                + " number (major.minor.patch): check that the URL is a lakeFS server");
    }

    private static String unchecked(Endpoint endpoint, String why) {
        return "the version of lakeFS " + endpoint + " is not checked: " + why + "; starting anyway (the mirrors manager"
                + " of that region reads read_only back after creating each mirror repository)";
    }
}
