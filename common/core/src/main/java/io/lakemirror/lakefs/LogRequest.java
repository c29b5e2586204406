package io.lakemirror.lakefs;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.Ref;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which page of a commit log to fetch ({@code GET /repositories/{r}/refs/{ref}/commits}).
 *
 * @param after       continue after this commit (the previous page's {@code nextOffset})
 * @param amount      page size, 1 to 1000
 * @param stopAt      stop at this ref, which is included in the log
 * @param firstParent follow only first parents
 * @param limit       return at most {@code amount} commits and never report more pages
 * @param since       skip commits created before this instant
 */
public record LogRequest(Optional<CommitId> after, int amount, Optional<Ref> stopAt, boolean firstParent,
                         boolean limit, Optional<Instant> since) {

    public LogRequest {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(stopAt, "stopAt");
        Objects.requireNonNull(since, "since");
        if (amount < 1 || amount > PageRequest.MAX_AMOUNT) {
            throw new InvalidInputException("log page size " + amount + " is outside lakeFS's range 1.."
                    + PageRequest.MAX_AMOUNT);
        }
    }

    /** The newest {@code amount} commits, walking every parent. */
    public static LogRequest first(int amount) {
        return new LogRequest(Optional.empty(), amount, Optional.empty(), false, false, Optional.empty());
    }

    public LogRequest after(CommitId commit) {
        return new LogRequest(Optional.of(commit), amount, stopAt, firstParent, limit, since);
    }

    public LogRequest stopAt(Ref ref) {
        return new LogRequest(after, amount, Optional.of(ref), firstParent, limit, since);
    }

    public LogRequest firstParent(boolean onlyFirstParents) {
        return new LogRequest(after, amount, stopAt, onlyFirstParents, limit, since);
    }

    public LogRequest limit(boolean stopAtAmount) {
        return new LogRequest(after, amount, stopAt, firstParent, stopAtAmount, since);
    }

    public LogRequest since(Instant notBefore) {
        return new LogRequest(after, amount, stopAt, firstParent, limit, Optional.of(notBefore));
    }

    /** The request for the page after {@code page}. */
    public LogRequest next(Page<?> page) {
        if (!page.hasMore()) {
            throw new IllegalStateException("the log has no page after this one");
        }
        return after(CommitId.of(page.nextOffset()));
    }
}
