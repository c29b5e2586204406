package io.lakemirror.testserver;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.LakeFs;
import io.lakemirror.lakefs.LakeFsContract;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The port's contract, run against the hand-written {@link FakeLakeFs} that other modules' unit
 * tests use, so the fake cannot drift from what the real adapter and the test server do.
 */
class FakeLakeFsContractTest extends LakeFsContract {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    /** One second later at every reading, so commits made one after the other have increasing dates. */
    private static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2026-11-25T10:00:00Z").getEpochSecond());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.incrementAndGet());
        }
    }

    private final FakeLakeFs lakeFs = new FakeLakeFs(new TickingClock());

    @Override
    protected LakeFs lakeFs() {
        return lakeFs;
    }

    @Override
    protected LakeFs lakeFsAs(String accessKeyId, String secretAccessKey) {
        return lakeFs.as(accessKeyId, secretAccessKey);
    }

    @Override
    protected StorageNamespace newNamespace() {
        return StorageNamespace.of("s3://fake-bucket/contract/" + NAMESPACES.incrementAndGet());
    }

    @Override
    protected CommitId commit(RepositoryId repository, BranchId branch, Map<String, String> files, String message) {
        return lakeFs.commit(repository, branch, CommitSpec.message(message)).id();
    }

    @Override
    protected void stage(RepositoryId repository, BranchId branch, String path, String content) {
        lakeFs.stage(repository, branch, path);
    }
}
