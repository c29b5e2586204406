package io.lakemirror.it;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.testkit.LakeFsUser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded, random user of a source repository: commits on several branches, merges, creates and
 * deletes branches, and resets branches backwards. Every head it makes is reported to a witness
 * (the auditor), since a short-lived head may be gone before anyone polls it.
 */
final class Workload {
    private static final Logger LOG = LoggerFactory.getLogger(Workload.class);
    private static final BranchId MAIN = BranchId.of("main");

    private final LakeFsUser lakeFs;
    private final RepositoryId repository;
    private final Random random;
    private final BiConsumer<BranchId, Optional<CommitId>> witness;
    private final List<BranchId> branches = new ArrayList<>(List.of(MAIN));
    private int commits;
    private int merges;
    private int created;
    private int deleted;
    private int resets;
    private int nextBranch;

    Workload(LakeFsUser lakeFs, RepositoryId repository, long seed, BiConsumer<BranchId, Optional<CommitId>> witness) {
        this.lakeFs = lakeFs;
        this.repository = repository;
        this.random = new Random(seed);
        this.witness = witness;
    }

    /** Creates {@code count} branches off main, then runs operations until {@code commitsWanted} commits exist. */
    void run(int initialBranches, int commitsWanted) {
        for (int i = 0; i < initialBranches; i++) {
            createBranch();
        }
        while (commits < commitsWanted) {
            int dice = random.nextInt(100);
            if (dice < 72 || branches.size() < 2) {
                commit(branches.get(random.nextInt(branches.size())));
            } else if (dice < 82) {
                merge();
            } else if (dice < 88) {
                createBranch();
            } else if (dice < 93) {
                deleteBranch();
            } else {
                resetBackwards();
            }
        }
        LOG.info("workload on {}: {} commits, {} merges, {} branches created, {} deleted, {} resets", repository,
                commits, merges, created, deleted, resets);
    }

    private void commit(BranchId branch) {
        String path = "data/" + branch + "/part-" + commits + ".csv";
        lakeFs.upload(repository, branch, path, ("id,value\n" + commits + "," + random.nextInt() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        CommitId id = lakeFs.commit(repository, branch, "commit " + commits + " on " + branch).id();
        commits++;
        witness.accept(branch, Optional.of(id));
    }

    private void merge() {
        BranchId source = branches.get(1 + random.nextInt(branches.size() - 1));
        boolean intoMain = random.nextBoolean();
        BranchId from = intoMain ? source : MAIN;
        BranchId to = intoMain ? MAIN : source;
        CommitId id = lakeFs.merge(repository, from, to, "merge " + from + " into " + to);
        merges++;
        commits++;
        witness.accept(to, Optional.of(id));
    }

    private void createBranch() {
        BranchId branch = BranchId.of("feature-" + nextBranch++);
        BranchId from = branches.get(random.nextInt(branches.size()));
        CommitId head = lakeFs.createBranch(repository, branch, from.value());
        branches.add(branch);
        created++;
        witness.accept(branch, Optional.of(head));
    }

    private void deleteBranch() {
        if (branches.size() <= 2) {
            return;
        }
        BranchId branch = branches.remove(1 + random.nextInt(branches.size() - 1));
        lakeFs.deleteBranch(repository, branch);
        deleted++;
        witness.accept(branch, Optional.empty());
    }

    private void resetBackwards() {
        BranchId branch = branches.get(random.nextInt(branches.size()));
        try {
            lakeFs.hardReset(repository, branch, branch + "~1");
        } catch (IllegalStateException noParent) {
            return;
        }
        resets++;
        witness.accept(branch, Optional.of(lakeFs.head(repository, branch)));
    }
}
