package io.lakemirror.testserver.model;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * lakeFS's commit log walk: a priority queue by creation date, newest first, ties broken by
 * commit ID descending, expanding every parent (or only the first) and visiting each commit once.
 */
public final class CommitLog {
    /**
     * lakeFS's log order (pkg/graveler/ref/commit_iterator.go commitsPriorityQueue.Less): newer creation time
     * first, and among equal times the greater commit ID first.
     */
    public static final Comparator<CommitRecord> ORDER = Comparator
            .comparing(CommitRecord::creationDate, Comparator.reverseOrder())
            .thenComparing(CommitRecord::id, Comparator.reverseOrder());

    /** {@link #ORDER} on the times lakeFS compares: with their nanoseconds where the repository kept them. */
    public static Comparator<CommitRecord> order(RepositoryState repo) {
        return Comparator.comparing(repo::orderingTime, Comparator.reverseOrder())
                .thenComparing(CommitRecord::id, Comparator.reverseOrder());
    }

    private CommitLog() {
    }

    /**
     * One page of the log.
     *
     * @param after       skip commits up to and including this one
     * @param stopAt      end the log after this commit (included)
     * @param limit       never report more pages
     * @param since       end the log at the first commit created before this
     */
    public record Query(CommitId start, Optional<CommitId> after, int amount, Optional<CommitId> stopAt,
                        boolean firstParent, boolean limit, Optional<Instant> since) {
    }

    public record Result(List<CommitRecord> commits, boolean hasMore) {
    }

    public static Result page(RepositoryState repo, Query q) {
        PriorityQueue<CommitRecord> queue = new PriorityQueue<>(order(repo));
        Set<CommitId> seen = new HashSet<>();
        queue.add(repo.commit(q.start()));
        seen.add(q.start());
        boolean skipping = q.after().isPresent();
        List<CommitRecord> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            CommitRecord c = queue.poll();
            if (q.since().isPresent() && repo.orderingTime(c).isBefore(q.since().get())) {
                break;
            }
            if (!skipping && out.size() == q.amount()) {
                return new Result(out, !q.limit());
            }
            if (skipping) {
                skipping = !c.id().equals(q.after().get());
            } else {
                out.add(c);
            }
            if (q.stopAt().isPresent() && c.id().equals(q.stopAt().get())) {
                break;
            }
            List<CommitId> parents = q.firstParent() && !c.parents().isEmpty() ? c.parents().subList(0, 1) : c.parents();
            for (CommitId parent : parents) {
                if (seen.add(parent)) {
                    queue.add(repo.commit(parent));
                }
            }
        }
        return new Result(out, false);
    }

    /** Every ancestor of {@code start}, itself included. */
    public static Set<CommitId> ancestors(RepositoryState repo, CommitId start) {
        Set<CommitId> seen = new HashSet<>();
        List<CommitId> todo = new ArrayList<>(List.of(start));
        while (!todo.isEmpty()) {
            CommitId id = todo.remove(todo.size() - 1);
            if (seen.add(id)) {
                todo.addAll(repo.commit(id).parents());
            }
        }
        return seen;
    }

    /**
     * The best common ancestor of two commits: the common ancestor met first when walking back from
     * {@code b} newest-generation first; empty when they share no history.
     */
    public static Optional<CommitId> mergeBase(RepositoryState repo, CommitId a, CommitId b) {
        Set<CommitId> ofA = ancestors(repo, a);
        PriorityQueue<CommitRecord> queue = new PriorityQueue<>(Comparator
                .comparingLong(CommitRecord::generation).reversed().thenComparing(ORDER));
        Set<CommitId> seen = new HashSet<>();
        queue.add(repo.commit(b));
        seen.add(b);
        while (!queue.isEmpty()) {
            CommitRecord c = queue.poll();
            if (ofA.contains(c.id())) {
                return Optional.of(c.id());
            }
            for (CommitId parent : c.parents()) {
                if (seen.add(parent)) {
                    queue.add(repo.commit(parent));
                }
            }
        }
        return Optional.empty();
    }
}
