package io.lakemirror.it.faults;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.testkit.LakeFsUser;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded user of one source repository that keeps working while lakeFS misbehaves: commits on
 * several branches, merges both ways, creates and deletes branches, force-resets branches backwards
 * and sideways (to another branch's head), and deletes a branch to recreate it at once under the
 * same name. Calls that lakeFS failed on purpose (500, 503, 429 answer before any change) are simply
 * repeated. Every head it makes is witnessed, since a short-lived head may be gone before anyone
 * polls it.
 */
final class SourceWorkload implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceWorkload.class);
    private static final BranchId MAIN = BranchId.of("main");
    private static final Pattern STATUS = Pattern.compile(" answered (\\d{3}) ");
    private static final int MAX_BRANCHES = 7;
    private static final int ATTEMPTS = 200;
    private static final int TRANSIT_ATTEMPTS = 5;

    private final LakeFsUser lakeFs;
    private final RepositoryId repository;
    private final Random random;
    private final BiConsumer<BranchId, Optional<CommitId>> witness;
    /** This writer's own branches, its trunk first: writers of one repository never touch each other's branches. */
    private final List<BranchId> branches = new ArrayList<>();
    private final BranchId trunk;
    private final String prefix;
    private final AtomicInteger commits = new AtomicInteger();
    private final java.util.Queue<FaultSchedule.Kind> requests = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private int requestedResets;
    private int requestedRecreates;
    private volatile boolean stop;
    private int merges;
    private int created;
    private int deleted;
    private int resets;
    private int sideways;
    private int recreated;
    private int retries;
    private int nextBranch;
    private volatile RuntimeException failure;
    /** This writer's tags and the commit each names now; tags of several writers never share a name. */
    private final Map<String, CommitId> tags = new HashMap<>();
    private final String tagPrefix;
    private volatile BiConsumer<String, CommitId> tagWitness = (tag, commit) -> { };
    private int tagged;
    private int untagged;

    /**
     * @param writer which of the repository's concurrent writers this is: writer 0 works on {@code main}
     *               and {@code feature-0-*}, writer n on a trunk {@code trunk-n} it branches off main at start
     *               and on {@code feature-n-*}. Each branch has a single writer, so the order in which a
     *               writer witnesses a branch's heads is the order in which the branch had them (the
     *               auditor's I3 relies on that).
     */
    SourceWorkload(LakeFsUser lakeFs, RepositoryId repository, int writer, long seed,
                   BiConsumer<BranchId, Optional<CommitId>> witness) {
        this.lakeFs = lakeFs;
        this.repository = repository;
        this.trunk = writer == 0 ? MAIN : BranchId.of("trunk-" + writer);
        this.prefix = "feature-" + writer + "-";
        this.tagPrefix = "v" + writer + "-";
        this.random = new Random(seed);
        this.witness = witness;
    }

    /** Tells {@code witness} of every tag this writer creates or moves, with its commit (the auditor's tag I2). */
    SourceWorkload witnessingTags(BiConsumer<String, CommitId> witness) {
        this.tagWitness = witness;
        return this;
    }

    RepositoryId repository() {
        return repository;
    }

    /** The repository and this writer's trunk, for logs. */
    String name() {
        return repository + "@" + trunk;
    }

    int commits() {
        return commits.get();
    }

    /**
     * Asks the loop to do a source fault next ({@link FaultSchedule.Kind#SOURCE_FORCE_RESET} or
     * {@link FaultSchedule.Kind#BRANCH_RECREATE}), on behalf of the fault schedule; never blocks.
     */
    void request(FaultSchedule.Kind kind) {
        if (kind != FaultSchedule.Kind.SOURCE_FORCE_RESET && kind != FaultSchedule.Kind.BRANCH_RECREATE) {
            throw new IllegalArgumentException("a workload does only source faults, not " + kind);
        }
        requests.add(kind);
    }

    /** Asks the loop to stop after its current operation. */
    void stop() {
        stop = true;
    }

    Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void run() {
        try {
            if (!trunk.equals(MAIN)) {
                CommitId head = ambiguous("create " + trunk, () -> lakeFs.createBranch(repository, trunk, MAIN.value()),
                        () -> lakeFs.head(repository, trunk));
                witness.accept(trunk, Optional.of(head));
            }
            branches.add(trunk);
            createBranch();
            createBranch();
            while (!stop) {
                step();
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("workload on {} failed: {}", repository, e.toString(), e);
        }
    }

    String summary() {
        return name() + ": " + commits.get() + " commits (" + merges + " merges), " + created + " branches created, "
                + deleted + " deleted, " + recreated + " deleted and recreated, " + resets + " reset backwards, "
                + sideways + " reset sideways, " + tagged + " tags created or moved, " + untagged + " tags deleted ("
                + requestedResets + " resets and " + requestedRecreates
                + " recreations asked for by the fault schedule), " + retries + " calls repeated after injected failures";
    }

    private void step() {
        FaultSchedule.Kind requested = requests.poll();
        if (requested == FaultSchedule.Kind.SOURCE_FORCE_RESET) {
            requestedResets++;
            if (random.nextBoolean()) {
                resetBackwards();
            } else {
                resetSideways();
            }
            return;
        } else if (requested == FaultSchedule.Kind.BRANCH_RECREATE) {
            requestedRecreates++;
            deleteAndRecreate();
            return;
        }
        int dice = random.nextInt(100);
        if (dice < 67 || branches.size() < 2) {
            commit(branches.get(random.nextInt(branches.size())));
        } else if (dice < 70) {
            tag();
        } else if (dice < 80) {
            merge();
        } else if (dice < 85) {
            if (branches.size() < MAX_BRANCHES) {
                createBranch();
            } else {
                deleteBranch();
            }
        } else if (dice < 89) {
            deleteBranch();
        } else if (dice < 92) {
            deleteAndRecreate();
        } else if (dice < 97) {
            resetBackwards();
        } else {
            resetSideways();
        }
    }

    private void commit(BranchId branch) {
        int n = commits.get();
        String path = "data/" + branch + "/part-" + n + "-" + random.nextInt(1000) + ".csv";
        byte[] content = ("id,value\n" + n + "," + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8);
        idempotent("upload to " + branch, () -> lakeFs.upload(repository, branch, path, content));
        CommitId id = ambiguous("commit on " + branch, () -> lakeFs.commit(repository, branch, "commit " + n + " on " + branch).id(),
                () -> lakeFs.head(repository, branch));
        commits.incrementAndGet();
        witness.accept(branch, Optional.of(id));
    }

    private void merge() {
        BranchId other = branches.get(1 + random.nextInt(branches.size() - 1));
        boolean intoMain = random.nextBoolean();
        BranchId from = intoMain ? other : trunk;
        BranchId to = intoMain ? trunk : other;
        CommitId id = ambiguous("merge " + from + " into " + to, () -> lakeFs.merge(repository, from, to, "merge " + from
                + " into " + to), () -> lakeFs.head(repository, to));
        merges++;
        commits.incrementAndGet();
        witness.accept(to, Optional.of(id));
    }

    private void createBranch() {
        BranchId branch = BranchId.of(prefix + nextBranch++);
        BranchId from = branches.get(random.nextInt(branches.size()));
        CommitId head = ambiguous("create " + branch, () -> lakeFs.createBranch(repository, branch, from.value()),
                () -> lakeFs.head(repository, branch));
        branches.add(branch);
        created++;
        witness.accept(branch, Optional.of(head));
    }

    private void deleteBranch() {
        if (branches.size() <= 2) {
            return;
        }
        BranchId branch = branches.remove(1 + random.nextInt(branches.size() - 1));
        delete(branch);
        deleted++;
    }

    private void delete(BranchId branch) {
        try {
            idempotent("delete " + branch, () -> {
                lakeFs.deleteBranch(repository, branch);
                return null;
            });
        } catch (IllegalStateException e) {
            if (status(e) != 404) {
                throw e;
            }
        }
        witness.accept(branch, Optional.empty());
    }

    /** Deletes a branch and at once creates one of the same name elsewhere: the mirror must follow both. */
    private void deleteAndRecreate() {
        if (branches.size() < 2) {
            return;
        }
        BranchId branch = branches.get(1 + random.nextInt(branches.size() - 1));
        delete(branch);
        BranchId from = branches.stream().filter(b -> !b.equals(branch)).toList()
                .get(random.nextInt(branches.size() - 1));
        CommitId head = ambiguous("recreate " + branch, () -> lakeFs.createBranch(repository, branch, from.value()),
                () -> lakeFs.head(repository, branch));
        recreated++;
        witness.accept(branch, Optional.of(head));
    }

    private void resetBackwards() {
        BranchId branch = branches.get(random.nextInt(branches.size()));
        String target = branch + "~" + (1 + random.nextInt(3));
        if (reset(branch, target)) {
            resets++;
        }
    }

    /** A force-reset to another branch's head: the branch moves to a commit that need not descend from its own. */
    private void resetSideways() {
        if (branches.size() < 2) {
            return;
        }
        BranchId branch = branches.get(random.nextInt(branches.size()));
        BranchId other = branches.stream().filter(b -> !b.equals(branch)).toList().get(random.nextInt(branches.size() - 1));
        if (reset(branch, other.value())) {
            sideways++;
        }
    }

    private boolean reset(BranchId branch, String target) {
        try {
            retrying("reset " + branch + " to " + target, () -> {
                lakeFs.hardReset(repository, branch, target);
                return null;
            });
        } catch (IllegalStateException e) {
            int status = status(e);
            if (status == 404 || status == 400) {
                return false;
            }
            throw e;
        } catch (UncheckedIOException e) {
            // The reset may or may not have happened (a slow lakeFS under load): the head read back says which.
            LOG.warn("workload on {}: reset of {} to {} failed in transit ({}); reading the head back", repository,
                    branch, target, e.getMessage());
        }
        witness.accept(branch, Optional.of(idempotent("head of " + branch, () -> lakeFs.head(repository, branch))));
        return true;
    }

    /**
     * Creates one of this writer's few tags at the head of one of its branches, or deletes it, or moves
     * it there (deleted and created again, as lakeFS has no tag update).
     */
    private void tag() {
        String tag = tagPrefix + random.nextInt(3);
        if (tags.containsKey(tag)) {
            try {
                retrying("delete tag " + tag, () -> {
                    lakeFs.deleteTag(repository, tag);
                    return null;
                });
            } catch (IllegalStateException e) {
                if (status(e) != 404) {
                    throw e;
                }
                // An earlier attempt that failed in transit had deleted it.
            } catch (UncheckedIOException e) {
                LOG.warn("workload on {}: deleting tag {} failed in transit ({}); it is gone or goes on the next try",
                        repository, tag, e.getMessage());
                return;
            }
            tags.remove(tag);
            untagged++;
            if (random.nextBoolean()) {
                return;
            }
        }
        BranchId branch = branches.get(random.nextInt(branches.size()));
        CommitId head = idempotent("head of " + branch, () -> lakeFs.head(repository, branch));
        CommitId commit = ambiguous("create tag " + tag, () -> lakeFs.createTag(repository, tag, head.value()),
                () -> lakeFs.tag(repository, tag));
        tags.put(tag, commit);
        tagged++;
        tagWitness.accept(tag, commit);
    }

    /** Repeats a call that lakeFS failed before changing anything (an injected 500, 503 or 429). */
    private <T> T retrying(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (IllegalStateException e) {
                int status = status(e);
                if ((status != 500 && status != 503 && status != 429) || attempt >= ATTEMPTS) {
                    throw e;
                }
                retries++;
            }
        }
    }

    /**
     * Repeats a call whose repetition changes nothing (an upload of the same bytes, a deletion, a read)
     * also when it failed in transit, as a busy machine's slow lakeFS answers after the client's timeout.
     */
    private <T> T idempotent(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return retrying(what, call);
            } catch (UncheckedIOException e) {
                if (attempt >= TRANSIT_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("workload on {}: {} failed in transit ({}); repeating it", repository, what, e.getMessage());
            }
        }
    }

    /**
     * A call whose effect is uncertain when the connection fails (it may have happened): after such a
     * failure the outcome is read back with {@code readBack} instead of repeating the call. A read-back
     * that finds nothing (404: the call never reached lakeFS) makes the call again; on such a repeat, a
     * 409 means the first attempt landed after all, and the outcome is read back once more.
     */
    private CommitId ambiguous(String what, Supplier<CommitId> call, Supplier<CommitId> readBack) {
        for (int attempt = 1; ; attempt++) {
            try {
                return retrying(what, call);
            } catch (UncheckedIOException e) {
                LOG.warn("workload on {}: {} failed in transit ({}); reading the outcome back", repository, what,
                        e.getMessage());
            } catch (IllegalStateException e) {
                if (attempt == 1 || status(e) != 409) {
                    throw e;
                }
                LOG.warn("workload on {}: {} had landed after all; reading the outcome back", repository, what);
            }
            try {
                return idempotent("read back " + what, readBack);
            } catch (IllegalStateException e) {
                if (status(e) != 404 || attempt >= TRANSIT_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("workload on {}: {} never reached lakeFS; making it again", repository, what);
            }
        }
    }

    private static int status(IllegalStateException e) {
        Matcher m = STATUS.matcher(String.valueOf(e.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
