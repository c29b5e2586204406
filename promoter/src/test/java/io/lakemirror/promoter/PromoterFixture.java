package io.lakemirror.promoter;

import io.lakemirror.runtime.MutableClock;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.InMemoryRefstore;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A source lakeFS in us-east-1, a mirror lakeFS in eu-west-1, and the destination's stores, all in memory. */
final class PromoterFixture {
    static final Region SOURCE = Region.of("us-east-1");
    static final Region DESTINATION = Region.of("eu-west-1");
    static final RepositoryId SOURCE_REPO = RepositoryId.of("source-repo");
    static final RepositoryId MIRROR_REPO = RepositoryId.of("mirror-repo");
    static final MirrorId MIRROR = MirrorId.of("m1");
    static final BranchId MAIN = BranchId.of("main");
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final FakeLakeFs source = new FakeLakeFs(clock);
    final FakeLakeFs mirror = new FakeLakeFs(clock);
    final InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
    final InMemoryRefstore refstore = new InMemoryRefstore();
    final MirrorSpec spec = new MirrorSpec(MIRROR, MIRROR_REPO, SOURCE_REPO, SOURCE, DESTINATION,
            StorageNamespace.of("s3://bucket-eu/source-repo"), MAIN, T0, "admin", Optional.empty());
    private long sequence;

    PromoterFixture() {
        source.createRepository(SOURCE_REPO);
        db.createMirror(spec);
    }

    MirrorsManager manager() {
        return new MirrorsManager(DESTINATION, db, refstore, mirror, clock);
    }

    static final Duration LEASE = Duration.ofSeconds(30);

    /** Per owner, how far its process's wall clock is off the true time (clock skew; none unless set). */
    final Map<String, Duration> wallOffsets = new HashMap<>();
    /** Per owner, where its process's monotonic clock starts (an arbitrary origin; the true time unless set). */
    final Map<String, Duration> monotonicOrigins = new HashMap<>();
    /** One promoter per owner, as one process keeps one: it remembers the leases it watches. */
    private final Map<String, BranchPromoter> promoters = new HashMap<>();

    /** The promoter process of {@code owner}; the same one on every call. */
    BranchPromoter promoter(String owner) {
        return promoters.computeIfAbsent(owner, o -> promoter(o, mirror));
    }

    /** A new promoter whose calls to the mirror's lakeFS go through {@code mirrorLakeFs}. */
    BranchPromoter promoter(String owner, io.lakemirror.lakefs.LakeFs mirrorLakeFs) {
        return new BranchPromoter(DESTINATION, owner, db, refstore, mirrorLakeFs, region -> source, wallClock(owner),
                leaseClock(owner), LEASE);
    }

    HeadAntiEntropy antiEntropy(String owner, MeterRegistry meters) {
        return new HeadAntiEntropy(owner, db, refstore, mirror, wallClock(owner), leaseClock(owner), LEASE,
                LEASE.dividedBy(2), meters);
    }

    /** The wall clock of {@code owner}'s process: the true time plus its offset. */
    Clock wallClock(String owner) {
        return Clock.offset(clock, wallOffsets.getOrDefault(owner, Duration.ZERO));
    }

    /** The monotonic clock of {@code owner}'s process: runs at the true rate from its own origin. */
    Clock leaseClock(String owner) {
        return Clock.offset(clock, monotonicOrigins.getOrDefault(owner, Duration.ZERO));
    }

    /** The mirror repository exists and the mirror is ACTIVE, as the mirrors manager leaves it. */
    PromoterFixture active() {
        manager().reconcile(MIRROR);
        return this;
    }

    void markActive() {
        db.putStatus(new MirrorStatus(MIRROR, MirrorState.ACTIVE, "", T0), Set.of(MirrorState.CREATING), true);
    }

    /** A commit on the source, with its record already in the refstore (as the validator leaves it). */
    CommitRecord sourceCommit(BranchId branch, String message) {
        CommitRecord c = source.commit(SOURCE_REPO, branch, message);
        refstore.putCommits(MIRROR, List.of(c));
        return c;
    }

    /** Validates the source branch's current head (or its deletion) as the next sequence. */
    long validateSourceHead(BranchId branch, Optional<io.lakemirror.domain.CommitId> head) {
        sequence++;
        db.recordValidated(MIRROR, branch, new BranchState.Validated(sequence, head, clock.instant(), clock.instant(), sequence));
        return sequence;
    }

    long validateSourceHead(BranchId branch) {
        return validateSourceHead(branch, Optional.of(source.head(SOURCE_REPO, branch)));
    }
}
