package io.lakemirror.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import io.lakemirror.graveler.GravelerWriter.WrittenRange;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeadCheckerTest {
    private static final java.time.Duration TTL = java.time.Duration.ofMinutes(10);
    private final ValidatorFixture f = new ValidatorFixture();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final HeadChecker checker = new HeadChecker(f.blocks, new PresenceCache(f.refstore, 1000, TTL, f.clock), new FileLookups(f.blocks, pool),
            new ValidatorMetrics(f.meters), f.clock, 3, false);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private String key(WrittenRange r) {
        return f.ns.metadataKey(r.id());
    }

    private String key(WrittenMetaRange mr) {
        return f.ns.metadataKey(mr.id());
    }

    private String request(String verb, String key) {
        return verb + " " + f.ns.bucket() + "/" + key;
    }

    @Test
    void check_shouldBeCompleteWithoutRequests_whenCommitHasNoMetaRange() {
        HeadCheck check = checker.check(f.ns, Optional.empty());

        assertThat(check.complete()).isTrue();
        assertThat(f.blocks.requests()).isEmpty();
    }

    @Test
    void check_shouldReportOnlyTheMetaRange_whenMetaRangeIsAbsent() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> id.equals(mr.id().value()));

        HeadCheck check = checker.check(f.ns, Optional.of(mr.id()));

        assertThat(check.complete()).isFalse();
        assertThat(check.firstMissing()).containsExactly(key(mr));
        assertThat(f.blocks.requests()).containsExactly(request("HEAD", key(mr)));
    }

    @Test
    void check_shouldNameMissingRangesInMetaRangeOrderAndCountAll_whenSeveralAreAbsent() {
        WrittenMetaRange mr = TestMetaRanges.write(6, j -> "v1");
        List<WrittenRange> ranges = mr.ranges();
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> !id.equals(ranges.get(0).id().value())
                && !id.equals(mr.id().value()) && !id.equals(ranges.get(5).id().value()));

        HeadCheck check = checker.check(f.ns, Optional.of(mr.id()));

        assertThat(check.missingCount()).isEqualTo(4);
        assertThat(check.firstMissing()).containsExactly(key(ranges.get(1)), key(ranges.get(2)), key(ranges.get(3)));
    }

    @Test
    void check_shouldRecordFoundFilesInPresenceCache_evenWhenOthersAreMissing() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v1");
        String held = mr.ranges().get(1).id().value();
        TestMetaRanges.upload(f.blocks, f.ns, mr, held::equals);

        checker.check(f.ns, Optional.of(mr.id()));

        List<String> all = List.of(mr.id().value(), mr.ranges().get(0).id().value(), held,
                mr.ranges().get(2).id().value());
        assertThat(f.refstore.knownPresent(f.ns, all))
                .containsExactlyInAnyOrder(mr.id().value(), mr.ranges().get(0).id().value(), mr.ranges().get(2).id().value());
    }

    @Test
    void check_shouldMakeNoRangeRequest_whenEveryRangeIsKnownPresent() {
        WrittenMetaRange mr = TestMetaRanges.write(4, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        checker.check(f.ns, Optional.of(mr.id()));
        f.blocks.clearRequests();

        HeadCheck again = checker.check(f.ns, Optional.of(mr.id()));

        assertThat(again.complete()).isTrue();
        assertThat(again.cacheHits()).isEqualTo(4);
        assertThat(f.blocks.requests()).containsExactly(request("HEAD", key(mr)), request("GET", key(mr)));
    }

    @Test
    void check_shouldHeadOnlyTheChangedRange_whenFollowUpCommitChangedOneRange() {
        WrittenMetaRange first = TestMetaRanges.write(8, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, first, id -> false);
        checker.check(f.ns, Optional.of(first.id()));
        WrittenMetaRange second = TestMetaRanges.write(8, j -> j == 5 ? "v2" : "v1");
        TestMetaRanges.upload(f.blocks, f.ns, second, id -> false);
        f.blocks.clearRequests();

        HeadCheck check = checker.check(f.ns, Optional.of(second.id()));

        assertThat(check.complete()).isTrue();
        assertThat(check.requests()).isEqualTo(3);
        assertThat(f.blocks.requests()).containsExactly(request("HEAD", key(second)), request("GET", key(second)),
                request("HEAD", key(second.ranges().get(5))));
        assertThat(f.counter("files.cache.hits")).isEqualTo(8 + 7 - 8);
    }

    @Test
    void check_shouldThrowCorruptNamingTheKey_whenMetaRangeHasOneFlippedByte() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        byte[] bad = mr.bytes().clone();
        bad[10] ^= 0x01;
        f.blocks.put(f.ns.bucket(), key(mr), bad);

        assertThatThrownBy(() -> checker.check(f.ns, Optional.of(mr.id())))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("s3://" + f.ns.bucket() + "/" + key(mr))
                .hasMessageContaining("corrupt")
                .hasMessageNotContaining("missing");
        assertThat(f.refstore.knownPresent(f.ns, List.of(mr.id().value()))).isEmpty();
    }

    @Test
    void check_shouldNoticeARangeDeletedUnderACachedPresence_onTheFirstCheckAfterItsTtl() {
        WrittenMetaRange mr = TestMetaRanges.write(3, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        assertThat(checker.check(f.ns, Optional.of(mr.id())).complete()).isTrue();
        // A lifecycle rule deletes a range the cache knows present.
        WrittenRange deleted = mr.ranges().get(1);
        f.blocks.remove(f.ns.bucket(), key(deleted));
        f.clock.advance(TTL.minusSeconds(1));
        assertThat(checker.check(f.ns, Optional.of(mr.id())).complete()).as("trusted within its TTL").isTrue();

        f.clock.advance(java.time.Duration.ofSeconds(2));
        f.blocks.clearRequests();
        HeadCheck check = checker.check(f.ns, Optional.of(mr.id()));

        assertThat(check.complete()).isFalse();
        assertThat(check.firstMissing()).containsExactly(key(deleted));
        assertThat(f.blocks.requests()).contains(request("HEAD", key(mr.ranges().get(0))), request("HEAD", key(deleted)));
        assertThat(f.refstore.knownPresent(f.ns, List.of(deleted.id().value()))).as("forgotten").isEmpty();
        assertThat(f.refstore.checkedPresent(f.ns, List.of(mr.ranges().get(0).id().value())))
                .as("the others are checked afresh").containsValue(f.clock.instant());
        assertThat(f.counter("files.cache.forgotten")).isEqualTo(1);
    }

    @Test
    void check_shouldPassRetryableFailuresThrough_whenBucketFails() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        HeadChecker failing = new HeadChecker(new FailingBlockStore(), new PresenceCache(f.refstore, 1000, TTL, f.clock), new FileLookups(f.blocks, pool),
                new ValidatorMetrics(f.meters), f.clock, 3, false);

        assertThatThrownBy(() -> failing.check(f.ns, Optional.of(mr.id())))
                .isInstanceOf(RetryableException.class).hasMessageContaining("slow down");
    }

    @Test
    void check_shouldCountRequestsInMetrics() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);

        checker.check(f.ns, Optional.of(mr.id()));

        assertThat(f.counter("files.checked", "kind", "metarange")).isEqualTo(2);
        assertThat(f.counter("files.checked", "kind", "range", "request", "head")).isEqualTo(2);
    }

    /** Throttles every request. */
    private static final class FailingBlockStore implements io.lakemirror.blockstore.BlockStore {
        @Override
        public Optional<Long> head(String bucket, String key) {
            throw new RetryableException("HEAD s3://" + bucket + "/" + key + ": slow down; retried later");
        }

        @Override
        public io.lakemirror.blockstore.ByteSource open(String bucket, String key, long size) {
            throw new RetryableException("GET s3://" + bucket + "/" + key + ": slow down; retried later");
        }
    }

    static MetaRangeId id(WrittenMetaRange mr) {
        return mr.id();
    }
}
