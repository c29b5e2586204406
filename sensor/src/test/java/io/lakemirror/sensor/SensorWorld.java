package io.lakemirror.sensor;

import io.lakemirror.runtime.MutableClock;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.lakefs.fake.CommitSpec;
import io.lakemirror.lakefs.fake.FakeLakeFs;
import io.lakemirror.messages.CommitsDetected;
import io.lakemirror.messages.CommitsDetectedCodec;
import io.lakemirror.queue.InMemoryCommitsQueue;
import io.lakemirror.store.InMemoryMirrorsDatabase;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One source region for sensor tests: a fake lakeFS, the in-memory mirrors database and queue, a
 * clock that moves only when told, and sensors built on them. Commits made through {@link #commit}
 * are one second apart, as real commits usually are.
 */
final class SensorWorld implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final Region SOURCE = Region.of("us-east-1");
    static final Region DESTINATION = Region.of("eu-west-1");
    static final OrganizationId ORG = OrganizationId.of("acme");
    static final RepositoryId REPO = RepositoryId.of("source-repo");
    static final BranchId MAIN = BranchId.of("main");
    static final MirrorId MIRROR = MirrorId.of("m1");

    final MutableClock clock = new MutableClock(T0);
    final FakeLakeFs lakeFs = new FakeLakeFs(clock);
    final InMemoryMirrorsDatabase store = new InMemoryMirrorsDatabase();
    final HookedMirrorsDatabase database = new HookedMirrorsDatabase(store);
    final InMemoryCommitsQueue queues = new InMemoryCommitsQueue(Duration.ofMinutes(1));
    final RecordingQueue queue = new RecordingQueue(queues.forRegion(SOURCE));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<CommitSensor> sensors = new ArrayList<>();

    /** A source repository with its initial commit on main, and an ACTIVE mirror {@link #MIRROR} of it. */
    static SensorWorld withMirror() {
        SensorWorld world = new SensorWorld();
        world.lakeFs.createRepository(REPO);
        world.activeMirror(MIRROR, REPO);
        return world;
    }

    SensorSettings settings(String owner) {
        return new SensorSettings(SOURCE, ORG, Duration.ofMinutes(1), 4, 1000, 1000, false, 1000,
                Duration.ofMinutes(3), owner, SensorSettings.DEFAULT_MAX_MESSAGE_BYTES);
    }

    CommitSensor sensor() {
        return sensor(settings("sensor-a"));
    }

    CommitSensor sensor(SensorSettings settings) {
        CommitSensor sensor = new CommitSensor(settings, lakeFs, database, queue, clock, meters);
        sensors.add(sensor);
        return sensor;
    }

    MirrorSpec activeMirror(MirrorId id, RepositoryId source) {
        MirrorSpec spec = new MirrorSpec(id, RepositoryId.of("mirror-" + id), source, SOURCE, DESTINATION,
                StorageNamespace.of("s3://bucket-eu/" + id), MAIN, T0, "admin", Optional.empty());
        store.createMirror(spec);
        store.putStatus(new MirrorStatus(id, MirrorState.ACTIVE, "", T0), Set.of(), true);
        return spec;
    }

    CommitRecord commit(BranchId branch, String message) {
        clock.advance(Duration.ofSeconds(1));
        return lakeFs.commit(REPO, branch, message);
    }

    CommitRecord commit(BranchId branch, CommitSpec spec) {
        clock.advance(Duration.ofSeconds(1));
        return lakeFs.commit(REPO, branch, spec);
    }

    CommitRecord merge(BranchId source, BranchId destination, String message) {
        clock.advance(Duration.ofSeconds(1));
        return lakeFs.merge(REPO, source.asRef(), destination, message);
    }

    /** Every message on the destination's queue, in order. */
    List<CommitsDetected> messages() {
        return queues.bodies(DESTINATION).stream().map(CommitsDetectedCodec::decode).toList();
    }

    List<CommitsDetected> messages(BranchId branch) {
        return messages().stream().filter(m -> m.branch().equals(branch)).toList();
    }

    List<String> bodies() {
        return queues.bodies(DESTINATION);
    }

    SensorBranchState state(BranchId branch) {
        return store.getSensorBranchState(MIRROR, branch).orElseThrow();
    }

    Optional<SensorBranchState> findState(MirrorId mirror, BranchId branch) {
        return store.getSensorBranchState(mirror, branch);
    }

    SourceStatus sourceStatus(MirrorId mirror) {
        return store.getMirror(mirror).orElseThrow().source().orElseThrow();
    }

    double counter(String name, String... tags) {
        var search = meters.find(name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    Map<String, Long> lakeFsCalls() {
        Map<String, Long> out = new java.util.TreeMap<>();
        lakeFs.callCounts().forEach((op, n) -> out.put(op.name(), n));
        return out;
    }

    @Override
    public void close() {
        sensors.forEach(CommitSensor::close);
    }
}
