package io.lakemirror.validator;

import io.lakemirror.blockstore.InMemoryBlockStore;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MetaRangeId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.identity.CommitIds;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import io.lakemirror.queue.InMemoryCommitsQueue;
import io.lakemirror.runtime.MutableClock;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.InMemoryRefstore;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.StoreFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** One destination region's validator over in-memory ports, with builders for messages and commits. */
final class ValidatorFixture {
    static final OrganizationId ORG = OrganizationId.of("acme");
    static final BranchId MAIN = BranchId.of("main");

    final InMemoryMirrorsDatabase mirrors = new InMemoryMirrorsDatabase();
    final InMemoryRefstore refstore = new InMemoryRefstore();
    final InMemoryCommitsQueue queues = new InMemoryCommitsQueue(Duration.ofSeconds(30));
    final InMemoryBlockStore blocks = new InMemoryBlockStore();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final MutableClock clock = new MutableClock(StoreFixtures.T0.plusSeconds(60));
    /** Commits the source lakeFS would return for claim checks. */
    final Map<CommitId, CommitRecord> sourceCommits = new HashMap<>();
    final MirrorSpec spec = StoreFixtures.spec("m1", "mirror-repo");
    final StorageNamespace ns = spec.storageNamespace();
    private int commitCounter;

    ValidatorFixture() {
        mirrors.createMirror(spec);
        mirrors.putStatus(new MirrorStatus(spec.id(), MirrorState.ACTIVE, "", StoreFixtures.T0), Set.of(), true);
    }

    static ValidatorOptions options() {
        return new ValidatorOptions(Duration.ofMinutes(1), 2, RetrySchedule.of(Duration.ofMinutes(1),
                Duration.ofMinutes(1)), false, 8, ValidatorOptions.DEFAULT_RECEIVE_BUDGET,
                ValidatorOptions.DEFAULT_MISSING_KEYS_REPORTED, Duration.ofMillis(50), Duration.ofSeconds(5), 2,
                ValidatorOptions.DEFAULT_PRESENCE_CACHE_SIZE);
    }

    Validator validator() {
        return validator(options());
    }

    Validator validator(ValidatorOptions options) {
        return new Validator(options, StoreFixtures.DESTINATION, ORG, ports());
    }

    Validator.Ports ports() {
        return new Validator.Ports(mirrors, refstore, queues.forRegion(StoreFixtures.DESTINATION), blocks,
                (mirror, id) -> {
                    CommitRecord c = sourceCommits.get(id);
                    if (c == null) {
                        throw new NotFoundException("commit " + id + " not found in " + mirror.sourceRepository());
                    }
                    return c;
                }, clock, meters);
    }

    /** A commit with a real ID whose metarange is {@code metaRange}. */
    CommitRecord commit(Optional<MetaRangeId> metaRange, CommitId... parents) {
        int n = ++commitCounter;
        Instant created = StoreFixtures.T0.plusSeconds(n);
        List<String> parentIds = java.util.Arrays.stream(parents).map(CommitId::value).toList();
        String id = CommitIds.compute("committer", "commit " + n, metaRange.map(MetaRangeId::value).orElse(""),
                created.getEpochSecond(), Map.of(), parentIds);
        return new CommitRecord(CommitId.of(id), List.of(parents), "committer", "commit " + n, metaRange, created,
                Map.of(), n, 1);
    }

    CommitRecord commit(MetaRangeId metaRange) {
        return commit(Optional.of(metaRange));
    }

    /** A repository's first commit as lakeFS writes it: no parents, no committer, no metarange. */
    CommitRecord initialCommit() {
        Instant created = StoreFixtures.T0.minusSeconds(++commitCounter);
        String id = CommitIds.compute("", HeadAdmission.INITIAL_COMMIT_MESSAGE, "", created.getEpochSecond(), Map.of(),
                List.of());
        return new CommitRecord(CommitId.of(id), List.of(), "", HeadAdmission.INITIAL_COMMIT_MESSAGE, Optional.empty(),
                created, Map.of(), 1, 1);
    }

    /** Records that the sensor announced {@code sequence} with {@code head} at T0, as it does before sending. */
    void sensed(long sequence, Optional<CommitId> head) {
        sensed(sequence, head, StoreFixtures.T0);
    }

    /** Records that the sensor announced {@code sequence} with {@code head} just now. */
    void sensedNow(long sequence, Optional<CommitId> head) {
        sensed(sequence, head, clock.instant());
    }

    void sensed(long sequence, Optional<CommitId> head, Instant at) {
        long current = mirrors.getSensorBranchState(spec.id(), MAIN).map(SensorBranchState::sequence).orElse(0L);
        mirrors.putSensorBranchState(new SensorBranchState(spec.id(), MAIN, sequence, head, at, true,
                sequence), current);
    }

    /** The last batch of {@code sequence} announcing {@code head}, carrying it. */
    CommitsDetected headMessage(long sequence, CommitRecord head) {
        return message(sequence, 0, true, Optional.of(head.id()), List.of(head), List.of());
    }

    CommitsDetected message(long sequence, int batch, boolean last, Optional<CommitId> head, List<CommitRecord> commits,
                            List<CommitId> claimChecked) {
        return new CommitsDetected(ORG, spec.id(), spec.sourceRepository(), spec.sourceRegion(),
                spec.destinationRegion(), MAIN, sequence, batch, last, head, StoreFixtures.T0, sequence, commits,
                Optional.empty(), claimChecked);
    }

    static ReceivedMessage received(CommitsDetected m, int receiveCount) {
        return received(CommitsDetectedCodec.encode(m), m.groupId(), receiveCount);
    }

    static ReceivedMessage received(String body, String group, int receiveCount) {
        String id = UUID.randomUUID().toString();
        return new ReceivedMessage(id, body, receiveCount, group, id);
    }

    BranchState branch() {
        return mirrors.getBranchState(spec.id(), MAIN).orElse(BranchState.empty(spec.id(), MAIN));
    }

    double counter(String name, String... tags) {
        var search = meters.find("lakemirror.validator." + name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    static MirrorId mirrorId(String id) {
        return MirrorId.of(id);
    }

    /** A clock tests move by hand. */}
