package io.lakemirror.store;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import java.util.List;
import java.util.Optional;

/**
 * Changes of the mirrors database, delivered in order per item and at least once. Events only make
 * the service fast: every consumer also reconciles periodically, so a lost event delays, never loses.
 */
public interface ChangeFeed extends AutoCloseable {

    /**
     * {@code <table>-changes-<region>}: the name under which the consumers of one region share their
     * position in the feed of the mirrors table (KCL's application and lease table on DynamoDB). The
     * CDK app grants the promoter's role on it.
     */
    static String consumerGroup(String table, Region region) {
        return table + "-changes-" + region.value();
    }

    /** Starts delivering batches to {@code listener}; a batch is acknowledged when the call returns. */
    void start(Listener listener);

    /** Stops delivery within a bounded time, acknowledging what was delivered. */
    @Override
    void close();

    /** Receives batches of changes; must be quick (hand work to an executor) and idempotent. */
    @FunctionalInterface
    interface Listener {
        void onChanges(List<Change> changes);
    }

    /** One changed item, reduced to what consumers act on. */
    sealed interface Change {
        MirrorId mirrorId();
    }

    /** A mirror's spec or status changed, was created or removed. */
    record MirrorChanged(MirrorId mirrorId) implements Change {
    }

    /** A branch state changed; {@code state} is the new image, empty when the item was removed. */
    record BranchChanged(MirrorId mirrorId, BranchId branch, Optional<BranchState> state) implements Change {
    }
}
