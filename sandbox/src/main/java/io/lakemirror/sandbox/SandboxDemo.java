package io.lakemirror.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakemirror.config.Secret;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.lakefs.Branch;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LogRequest;
import io.lakemirror.lakefs.Page;
import io.lakemirror.lakefs.PageRequest;
import io.lakemirror.lakefs.sdk.SdkLakeFs;
import io.lakemirror.testkit.BucketReplicator;
import io.lakemirror.testkit.LakeFsUser;
import io.lakemirror.testkit.ReplicationApiClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The scripted scenario of {@code sandbox --demo}: a repository in region A and its mirror in B,
 * commits and a merge on several branches, one commit whose range bucket replication holds back
 * (the mirror branch waits, the API names the missing file), then the release and the catch-up. It
 * passes when every mirror branch has its source's head and log; every wait is bounded by one
 * overall deadline.
 */
final class SandboxDemo {
    static final String REPOSITORY = "demo";
    static final String MIRROR = "demo-mirror";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration VISIBLE_WAIT = Duration.ofSeconds(3);
    private static final BranchId MAIN = BranchId.of("main");
    private static final BranchId DEV = BranchId.of("dev");
    private static final BranchId FEATURE = BranchId.of("feature");

    /** The demo did not reach its goal; the message says what was seen. */
    static final class DemoFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }

    private final Sandbox sandbox;
    private final PrintWriter out;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private final RepositoryId source = RepositoryId.of(REPOSITORY);
    private final RepositoryId mirror = RepositoryId.of(MIRROR);

    SandboxDemo(Sandbox sandbox, PrintWriter out, Duration timeout) {
        this.sandbox = sandbox;
        this.out = out;
        this.deadlineNanos = startNanos + timeout.toNanos();
    }

    void run() {
        String a = Sandbox.A;
        String b = Sandbox.B;
        LakeFsUser user = new LakeFsUser(sandbox.lakeFs(a), sandbox.adminAccessKeyId(), sandbox.adminSecretAccessKey());
        ReplicationApiClient api = new ReplicationApiClient(sandbox.api(a), sandbox.adminAccessKeyId(), sandbox.adminSecretAccessKey());
        try (SdkLakeFs lakeFsA = SdkLakeFs.create(sandbox.lakeFs(a), sandbox.adminAccessKeyId(), new Secret(sandbox.adminSecretAccessKey()));
             SdkLakeFs lakeFsB = SdkLakeFs.create(sandbox.lakeFs(b), sandbox.adminAccessKeyId(), new Secret(sandbox.adminSecretAccessKey()))) {
            String sourceNamespace = "s3://" + sandbox.bucket(a) + "/" + REPOSITORY;
            user.createRepository(source, sourceNamespace);
            say("created repository %s in %s (%s)", source, a, sourceNamespace);

            JsonNode created = api.createMirror(REPOSITORY, MIRROR, b, "s3://" + sandbox.bucket(b) + "/" + REPOSITORY);
            String mirrorId = created.get("id").asText();
            say("requested mirror %s of %s in %s through the API of %s: id %s, status %s", MIRROR, source, b, a, mirrorId,
                    created.get("status").asText());
            await("mirror " + MIRROR + " ACTIVE", () -> {
                JsonNode m = api.mirror(REPOSITORY, mirrorId);
                return "ACTIVE".equals(m.get("status").asText()) ? Optional.of(m) : Optional.empty();
            }, () -> "status " + api.mirror(REPOSITORY, mirrorId).get("status").asText());
            say("mirror %s is ACTIVE: read-only repository %s exists in %s", mirrorId, MIRROR, b);

            user.createBranch(source, DEV, "main");
            user.createBranch(source, FEATURE, "main");
            say("created branches %s and %s from main", DEV, FEATURE);
            commit(user, MAIN, "orders/2026-11-01.csv", "load orders of Nov 1");
            commit(user, DEV, "features/clean.py", "add cleaning step");
            commit(user, MAIN, "orders/2026-11-02.csv", "load orders of Nov 2");
            commit(user, DEV, "features/score.py", "add scoring step");
            CommitId merged = user.merge(source, DEV, MAIN, "merge dev into main");
            say("merged %s into main: %s", DEV, shortId(merged));
            awaitBranchesEqual(lakeFsA, lakeFsB, List.of(MAIN, DEV), api, mirrorId);
            say("mirror caught up: main and dev have their source heads in %s", b);

            holdBackOneRange(user, lakeFsA, lakeFsB, api, mirrorId);

            commit(user, MAIN, "orders/2026-11-03.csv", "load orders of Nov 3");
            awaitBranchesEqual(lakeFsA, lakeFsB, List.of(), api, mirrorId);
            Map<BranchId, CommitId> heads = heads(lakeFsB, mirror);
            List<String> summary = new ArrayList<>();
            heads.forEach((branch, head) -> summary.add(branch + " at " + shortId(head) + " (" + log(lakeFsB, mirror, head).size()
                    + " commits)"));
            say("every mirror branch has its source's head and log: %s", String.join(", ", summary));
        }
    }

    /** Commits one file on {@code branch}, returns the commit. */
    private LakeFsUser.Commit commit(LakeFsUser user, BranchId branch, String path, String message) {
        user.upload(source, branch, path, ("written by the lakemirror demo: " + path + "\n").getBytes(StandardCharsets.UTF_8));
        LakeFsUser.Commit commit = user.commit(source, branch, message);
        say("%s: committed %s \"%s\"", branch, shortId(commit.id()), message);
        return commit;
    }

    /**
     * A commit on {@code feature} whose new range bucket replication holds back: the mirror branch
     * stays where it was and the API names the missing file until the range is released.
     */
    private void holdBackOneRange(LakeFsUser user, LakeFs lakeFsA, LakeFs lakeFsB, ReplicationApiClient api, String mirrorId) {
        BucketReplicator aToB = sandbox.world().replicator(Sandbox.A, Sandbox.B);
        CommitId before = lakeFsB.getBranch(mirror, FEATURE).commitId();
        aToB.pause();
        BucketReplicator.Hold hold;
        LakeFsUser.Commit held;
        try {
            held = commit(user, FEATURE, "features/model.bin", "train the model");
            List<String> pending = new ArrayList<>(sandbox.metadataKeys(Sandbox.A, REPOSITORY, held.metaRangeId()));
            pending.removeIf(key -> aToB.landedAt(key).isPresent() || key.endsWith(held.metaRangeId()));
            if (pending.isEmpty()) {
                throw new DemoFailure("commit " + held.id() + " has no range that is not in " + Sandbox.B + " yet");
            }
            String key = pending.get(0);
            hold = aToB.holdBack(Pattern.quote(key));
            say("%s: bucket replication holds back the range %s of commit %s", FEATURE, key, shortId(held.id()));
        } finally {
            aToB.resume();
        }
        JsonNode waiting = await("the API to report the missing range of " + FEATURE, () -> {
            JsonNode branch = branchState(api, mirrorId, FEATURE);
            return branch != null && branch.path("missing_files").size() > 0 ? Optional.of(branch) : Optional.empty();
        }, () -> "branch state " + branchState(api, mirrorId, FEATURE));
        say("mirror waits: %s source head %s, mirror head %s; missing_files %s", FEATURE,
                shortId(waiting.path("source_head").asText()), shortId(waiting.path("mirror_head").asText()),
                waiting.get("missing_files"));
        long waitUntil = System.nanoTime() + VISIBLE_WAIT.toNanos();
        while (System.nanoTime() < waitUntil) {
            CommitId now = lakeFsB.getBranch(mirror, FEATURE).commitId();
            if (!now.equals(before)) {
                throw new DemoFailure("mirror branch " + FEATURE + " moved to " + now + " while a range of "
                        + held.id() + " was still held back");
            }
            pause(POLL);
        }
        say("after %d s the mirror's %s is still at %s, the last commit whose files are all in %s",
                VISIBLE_WAIT.toSeconds(), FEATURE, shortId(before), Sandbox.B);
        hold.release();
        say("bucket replication releases the range");
        await("mirror branch " + FEATURE + " at " + held.id(), () -> {
            CommitId now = lakeFsB.getBranch(mirror, FEATURE).commitId();
            return now.equals(held.id()) ? Optional.of(now) : Optional.empty();
        }, () -> "branch state " + branchState(api, mirrorId, FEATURE));
        say("mirror caught up: %s at %s in %s", FEATURE, shortId(held.id()), Sandbox.B);
    }

    /** Waits until the listed mirror branches (all when empty) have their source heads and logs. */
    private void awaitBranchesEqual(LakeFs lakeFsA, LakeFs lakeFsB, List<BranchId> branches, ReplicationApiClient api,
                                    String mirrorId) {
        await("mirror branches " + (branches.isEmpty() ? "(all)" : branches) + " equal to their sources", () -> {
            List<String> differences = differences(lakeFsA, source, lakeFsB, mirror, branches);
            return differences.isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty();
        }, () -> String.join("; ", differences(lakeFsA, source, lakeFsB, mirror, branches)) + "; API: "
                + api.mirror(REPOSITORY, mirrorId).get("branches"));
    }

    private static JsonNode branchState(ReplicationApiClient api, String mirrorId, BranchId branch) {
        for (JsonNode b : api.mirror(REPOSITORY, mirrorId).path("branches")) {
            if (branch.value().equals(b.path("id").asText())) {
                return b;
            }
        }
        return null;
    }

    /**
     * How the mirror differs from its source on {@code branches} (every branch when empty): missing
     * or extra branches, other heads, other logs. Empty when equal.
     */
    static List<String> differences(LakeFs lakeFsA, RepositoryId source, LakeFs lakeFsB, RepositoryId mirror,
                                    List<BranchId> branches) {
        Map<BranchId, CommitId> want = heads(lakeFsA, source);
        Map<BranchId, CommitId> have;
        try {
            have = heads(lakeFsB, mirror);
        } catch (NotFoundException e) {
            return List.of("mirror repository " + mirror + " does not exist yet");
        }
        if (!branches.isEmpty()) {
            want.keySet().retainAll(branches);
            have.keySet().retainAll(branches);
        }
        List<String> differences = new ArrayList<>();
        for (Map.Entry<BranchId, CommitId> w : want.entrySet()) {
            CommitId h = have.get(w.getKey());
            if (h == null) {
                differences.add("branch " + w.getKey() + " missing on the mirror");
            } else if (!h.equals(w.getValue())) {
                differences.add("branch " + w.getKey() + " at " + shortId(h) + " on the mirror, " + shortId(w.getValue())
                        + " on the source");
            } else if (!log(lakeFsA, source, h).equals(log(lakeFsB, mirror, h))) {
                differences.add("branch " + w.getKey() + " has another log on the mirror");
            }
        }
        have.keySet().stream().filter(b -> !want.containsKey(b))
                .forEach(b -> differences.add("branch " + b + " exists only on the mirror"));
        return differences;
    }

    static Map<BranchId, CommitId> heads(LakeFs lakeFs, RepositoryId repository) {
        Map<BranchId, CommitId> heads = new TreeMap<>();
        Page.all(after -> lakeFs.listBranches(repository, PageRequest.largest().after(after), false))
                .forEach((Branch b) -> heads.put(b.id(), b.commitId()));
        return heads;
    }

    /** The IDs of the log of {@code head}, newest first. */
    static List<CommitId> log(LakeFs lakeFs, RepositoryId repository, CommitId head) {
        List<CommitId> ids = new ArrayList<>();
        LogRequest request = LogRequest.first(PageRequest.MAX_AMOUNT);
        while (true) {
            Page<io.lakemirror.domain.CommitRecord> page = lakeFs.logCommits(repository, head.asRef(), request);
            page.results().forEach(c -> ids.add(c.id()));
            if (!page.hasMore()) {
                return ids;
            }
            request = request.next(page);
        }
    }

    private <T> T await(String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        while (true) {
            Optional<T> value;
            try {
                value = probe.get();
            } catch (NotFoundException e) {
                value = Optional.empty();
            }
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadlineNanos) {
                String seen;
                try {
                    seen = lastSeen.get();
                } catch (RuntimeException e) {
                    seen = e.getMessage();
                }
                throw new DemoFailure("gave up waiting for " + what + " after " + elapsed() + "; last seen: " + seen);
            }
            pause(POLL);
        }
    }

    private static void pause(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        }
    }

    private String elapsed() {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    private void say(String format, Object... args) {
        out.printf("[%6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, String.format(format, args));
        out.flush();
    }

    static String shortId(Object id) {
        String s = String.valueOf(id);
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
