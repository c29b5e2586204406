package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.InMemoryRefstore;
import io.lakemirror.store.Refstore;
import io.lakemirror.store.StoreFixtures;
import io.lakemirror.runtime.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresenceCacheTest {
    private static final StorageNamespace NS = StorageNamespace.of("s3://bucket-eu/repos/a");
    private static final StorageNamespace OTHER = StorageNamespace.of("s3://bucket-eu/repos/b");
    private final CountingRefstore refstore = new CountingRefstore();
    private static final Duration TTL = Duration.ofMinutes(10);
    private final MutableClock clock = new MutableClock(StoreFixtures.T0);
    private final PresenceCache cache = new PresenceCache(refstore, 100, TTL, clock);

    @Test
    void knownPresent_shouldAskTheRefstoreOnlyForIdsNotSeenBefore() {
        refstore.recordPresent(NS, List.of("r1", "r2"), StoreFixtures.T0);

        assertThat(cache.knownPresent(NS, List.of("r1", "r2", "r3"))).containsExactlyInAnyOrder("r1", "r2");
        assertThat(cache.knownPresent(NS, List.of("r1", "r2", "r3"))).containsExactlyInAnyOrder("r1", "r2");

        assertThat(refstore.asked).containsExactly(List.of("r1", "r2", "r3"), List.of("r3"));
    }

    @Test
    void knownPresent_shouldKeepNamespacesApart() {
        cache.recordPresent(NS, List.of("r1"), StoreFixtures.T0);

        assertThat(cache.knownPresent(OTHER, List.of("r1"))).isEmpty();
    }

    @Test
    void recordPresent_shouldRememberNothingLocally_whenTheRefstoreWriteFails() {
        refstore.failWrites = true;

        assertThatThrownBy(() -> cache.recordPresent(NS, List.of("r1"), StoreFixtures.T0))
                .isInstanceOf(RetryableException.class);
        refstore.failWrites = false;

        assertThat(cache.knownPresent(NS, List.of("r1"))).isEmpty();
        assertThat(refstore.asked).containsExactly(List.of("r1"));
    }

    @Test
    void lookup_shouldCallAPresenceCheckedLongerAgoThanTheTtlExpired_soItsFileIsCheckedAgain() {
        refstore.recordPresent(NS, List.of("old"), StoreFixtures.T0.minus(TTL).minusSeconds(1));
        cache.recordPresent(NS, List.of("new"), StoreFixtures.T0);

        PresenceCache.Lookup lookup = cache.lookup(NS, List.of("old", "new", "unknown"));

        assertThat(lookup.fresh()).containsExactly("new");
        assertThat(lookup.expired()).containsExactly("old");
        clock.advance(TTL.plusSeconds(1));
        assertThat(cache.lookup(NS, List.of("new")).expired()).containsExactly("new");
    }

    @Test
    void forget_shouldForgetHereAndInTheRefstore() {
        cache.recordPresent(NS, List.of("r1", "r2"), StoreFixtures.T0);

        cache.forget(NS, List.of("r1"));

        assertThat(cache.knownPresent(NS, List.of("r1", "r2"))).containsExactly("r2");
        assertThat(refstore.knownPresent(NS, List.of("r1"))).isEmpty();
    }

    /** Records the IDs each lookup asks for. */
    private static final class CountingRefstore implements Refstore {
        final List<List<String>> asked = new ArrayList<>();
        private final InMemoryRefstore delegate = new InMemoryRefstore();
        boolean failWrites;

        @Override
        public Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
            asked.add(List.copyOf(fileIds));
            return delegate.knownPresent(namespace, fileIds);
        }

        @Override
        public Map<String, Instant> checkedPresent(StorageNamespace namespace, Collection<String> fileIds) {
            asked.add(List.copyOf(fileIds));
            return delegate.checkedPresent(namespace, fileIds);
        }

        @Override
        public void forgetPresent(StorageNamespace namespace, Collection<String> fileIds) {
            delegate.forgetPresent(namespace, fileIds);
        }

        @Override
        public void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
            if (failWrites) {
                throw new RetryableException("throttled; retried later");
            }
            delegate.recordPresent(namespace, fileIds, checkedAt);
        }

        @Override
        public void putCommits(MirrorId mirror, Collection<CommitRecord> commits) {
            delegate.putCommits(mirror, commits);
        }

        @Override
        public Map<CommitId, StoredCommit> getCommits(MirrorId mirror, Collection<CommitId> ids) {
            return delegate.getCommits(mirror, ids);
        }

        @Override
        public void markPromoted(MirrorId mirror, Collection<CommitId> ids) {
            delegate.markPromoted(mirror, ids);
        }

        @Override
        public void evictCommits(MirrorId mirror, Collection<CommitId> ids) {
            delegate.evictCommits(mirror, ids);
        }

        @Override
        public void deleteMirror(MirrorId mirror) {
            delegate.deleteMirror(mirror);
        }
    }
}
