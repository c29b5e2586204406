package io.lakemirror.postgres;

import io.lakemirror.domain.AlreadyExistsException;
import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.Region;
import io.lakemirror.domain.RepositoryId;
import io.lakemirror.domain.RetryableException;
import io.lakemirror.domain.StaleWriteException;
import io.lakemirror.store.BranchState;
import io.lakemirror.store.MirrorRecord;
import io.lakemirror.store.MirrorSpec;
import io.lakemirror.store.MirrorState;
import io.lakemirror.store.MirrorStatus;
import io.lakemirror.store.MirrorsDatabase;
import io.lakemirror.store.SensorBranchState;
import io.lakemirror.store.SourceStatus;
import io.lakemirror.store.StorePage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirrors database on PostgreSQL (docs/architecture.md §4), with the DynamoDB adapter's
 * semantics: every state change that ordering matters for is decided on the row as read and
 * written only if the row is still that version ({@code UPDATE ... WHERE version = ?}, or an insert
 * that loses to a concurrent one); a row that changed in between is read again and the decision
 * made again, so a lost condition surfaces as {@link StaleWriteException} exactly when the port
 * says. Name claims are a primary key per (organization, region, name): two creations of one name
 * meet on it and one gets {@link AlreadyExistsException}.
 *
 * <p>Every change of a mirror spec, status, source status or branch state appends to the change
 * log in the same transaction ({@link ChangeLog}), which {@link PostgresChangeFeed} reads.
 */
public final class PostgresMirrorsDatabase implements MirrorsDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMirrorsDatabase.class);
    static final int MAX_CONDITION_ATTEMPTS = 8;

    private final PostgresDatabase db;
    private final OrganizationId organization;
    private final String org;
    private final boolean notify;

    public PostgresMirrorsDatabase(PostgresDatabase db, OrganizationId organization) {
        this(db, organization, !db.isCockroach());
    }

    /** @param notify whether writes send a NOTIFY (false: as on CockroachDB, or to test that polling alone delivers) */
    PostgresMirrorsDatabase(PostgresDatabase db, OrganizationId organization, boolean notify) {
        this.db = Objects.requireNonNull(db, "db");
        this.organization = Objects.requireNonNull(organization, "organization");
        this.org = organization.value();
        this.notify = notify;
    }

    private void log(Connection c, List<ChangeLog.Entry> entries) throws SQLException {
        ChangeLog.append(c, organization, notify, entries);
    }

    // --- mirror specs

    @Override
    public void createMirror(MirrorSpec spec) {
        String call = "createMirror(mirror " + spec.id() + ", name " + spec.name() + " in " + spec.destinationRegion() + ")";
        db.inTransaction(call, c -> {
            try (PreparedStatement claim = c.prepareStatement("INSERT INTO lakemirror_name_claims (organization, region,"
                    + " name, mirror_id) VALUES (?, ?, ?, ?) ON CONFLICT (organization, region, name) DO NOTHING")) {
                claim.setString(1, org);
                claim.setString(2, spec.destinationRegion().value());
                claim.setString(3, spec.name().value());
                claim.setString(4, spec.id().value());
                if (claim.executeUpdate() == 0) {
                    Optional<MirrorId> holder = findByName(c, spec.destinationRegion(), spec.name());
                    if (holder.isPresent() && !holder.get().equals(spec.id())) {
                        throw new AlreadyExistsException("mirror name " + spec.name() + " is taken in region "
                                + spec.destinationRegion() + " by mirror " + holder.get() + "; choose another name or delete"
                                + " that mirror (not retried)");
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_mirror_specs (organization, mirror_id,"
                    + " spec) VALUES (?, ?, ?::jsonb) ON CONFLICT (organization, mirror_id) DO NOTHING")) {
                insert.setString(1, org);
                insert.setString(2, spec.id().value());
                insert.setString(3, StoreJson.spec(spec));
                if (insert.executeUpdate() == 0) {
                    throw new AlreadyExistsException("mirror " + spec.id() + " exists already (not retried)");
                }
            }
            log(c, List.of(ChangeLog.Entry.mirror(spec.id())));
            return null;
        });
        LOG.debug("Created mirror {} ({})", spec.id(), spec.describe());
    }

    @Override
    public Optional<MirrorRecord> getMirror(MirrorId id) {
        return db.inTransaction("getMirror(" + id + ")", c -> {
            List<MirrorRecord> found = mirrors(c, "s.mirror_id = ?", id.value(), 1);
            return found.isEmpty() ? Optional.<MirrorRecord>empty() : Optional.of(found.get(0));
        });
    }

    @Override
    public StorePage<MirrorRecord> listMirrors(Optional<String> after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        String call = "listMirrors(after " + after.orElse("the start") + ", limit " + limit + ")";
        List<MirrorRecord> rows = db.inTransaction(call, c -> mirrors(c, "s.mirror_id > ?", after.orElse(""), limit + 1));
        if (rows.size() > limit) {
            List<MirrorRecord> page = rows.subList(0, limit);
            return new StorePage<>(page, Optional.of(page.get(limit - 1).spec().id().value()));
        }
        return new StorePage<>(rows, Optional.empty());
    }

    private List<MirrorRecord> mirrors(Connection c, String condition, String value, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT s.mirror_id, s.spec::text, st.status::text, so.source::text"
                + " FROM lakemirror_mirror_specs s"
                + " LEFT JOIN lakemirror_mirror_statuses st ON st.organization = s.organization AND st.mirror_id = s.mirror_id"
                + " LEFT JOIN lakemirror_source_statuses so ON so.organization = s.organization AND so.mirror_id = s.mirror_id"
                + " WHERE s.organization = ? AND " + condition + " ORDER BY s.mirror_id LIMIT ?")) {
            q.setString(1, org);
            q.setString(2, value);
            q.setInt(3, limit);
            List<MirrorRecord> records = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String mirror = r.getString(1);
                    String status = r.getString(3);
                    String source = r.getString(4);
                    records.add(new MirrorRecord(StoreJson.spec(r.getString(2), "spec of mirror " + mirror),
                            status == null ? Optional.empty() : Optional.of(StoreJson.status(status, "status of mirror " + mirror)),
                            source == null ? Optional.empty() : Optional.of(StoreJson.source(source, "source status of mirror " + mirror))));
                }
            }
            return records;
        }
    }

    @Override
    public void requestDeletion(MirrorId id, Instant at) {
        String call = "requestDeletion(mirror " + id + ")";
        db.inTransaction(call, c -> {
            Optional<MirrorSpec> spec;
            try (PreparedStatement q = c.prepareStatement("SELECT spec::text FROM lakemirror_mirror_specs"
                    + " WHERE organization = ? AND mirror_id = ? FOR UPDATE")) {
                q.setString(1, org);
                q.setString(2, id.value());
                try (ResultSet r = q.executeQuery()) {
                    spec = r.next() ? Optional.of(StoreJson.spec(r.getString(1), "spec of mirror " + id)) : Optional.empty();
                }
            }
            if (spec.isEmpty()) {
                throw new NotFoundException("mirror " + id + " not found (not retried)");
            }
            if (spec.get().isDeleteRequested()) {
                return null;
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE lakemirror_mirror_specs SET spec = ?::jsonb"
                    + " WHERE organization = ? AND mirror_id = ?")) {
                u.setString(1, StoreJson.spec(spec.get().withDeleteRequested(at)));
                u.setString(2, org);
                u.setString(3, id.value());
                u.executeUpdate();
            }
            log(c, List.of(ChangeLog.Entry.mirror(id)));
            return null;
        });
    }

    @Override
    public MirrorSpec setMirrorTags(MirrorId id, boolean mirrorTags) {
        String call = "setMirrorTags(mirror " + id + ", " + mirrorTags + ")";
        return db.inTransaction(call, c -> {
            Optional<MirrorSpec> spec;
            try (PreparedStatement q = c.prepareStatement("SELECT spec::text FROM lakemirror_mirror_specs"
                    + " WHERE organization = ? AND mirror_id = ? FOR UPDATE")) {
                q.setString(1, org);
                q.setString(2, id.value());
                try (ResultSet r = q.executeQuery()) {
                    spec = r.next() ? Optional.of(StoreJson.spec(r.getString(1), "spec of mirror " + id)) : Optional.empty();
                }
            }
            if (spec.isEmpty()) {
                throw new NotFoundException("mirror " + id + " not found (not retried)");
            }
            if (spec.get().mirrorTags() == mirrorTags) {
                return spec.get();
            }
            MirrorSpec changed = spec.get().withMirrorTags(mirrorTags);
            try (PreparedStatement u = c.prepareStatement("UPDATE lakemirror_mirror_specs SET spec = ?::jsonb"
                    + " WHERE organization = ? AND mirror_id = ?")) {
                u.setString(1, StoreJson.spec(changed));
                u.setString(2, org);
                u.setString(3, id.value());
                u.executeUpdate();
            }
            log(c, List.of(ChangeLog.Entry.mirror(id)));
            return changed;
        });
    }

    @Override
    public Optional<MirrorId> findByName(Region destination, RepositoryId name) {
        return db.inTransaction("findByName(" + destination + ", " + name + ")", c -> findByName(c, destination, name));
    }

    private Optional<MirrorId> findByName(Connection c, Region destination, RepositoryId name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT mirror_id FROM lakemirror_name_claims"
                + " WHERE organization = ? AND region = ? AND name = ?")) {
            q.setString(1, org);
            q.setString(2, destination.value());
            q.setString(3, name.value());
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(MirrorId.of(r.getString(1))) : Optional.empty();
            }
        }
    }

    // --- mirror status

    @Override
    public void putStatus(MirrorStatus status, Set<MirrorState> expectedCurrent, boolean allowAbsent) {
        MirrorId id = status.mirrorId();
        String call = "putStatus(mirror " + id + ", " + status.state() + ")";
        conditional(call, "lakemirror_mirror_statuses", "status", id, json -> {
            Optional<MirrorStatus> current = json.map(j -> StoreJson.status(j, "status of mirror " + id));
            boolean allowed = current.isEmpty() ? allowAbsent : expectedCurrent.contains(current.get().state());
            if (!allowed) {
                throw new StaleWriteException("mirror " + id + " is "
                        + current.map(s -> s.state().toString()).orElse("without status") + ", not "
                        + (allowAbsent ? "absent or " : "") + "one of " + expectedCurrent + ": status " + status.state()
                        + " not written; re-read the mirror and decide again");
            }
            return StoreJson.status(status);
        });
    }

    @Override
    public void deleteMirror(MirrorId id) {
        String call = "deleteMirror(mirror " + id + ")";
        int removed = db.inTransaction(call, c -> {
            List<ChangeLog.Entry> changes = new ArrayList<>();
            try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_branch_states"
                    + " WHERE organization = ? AND mirror_id = ? RETURNING branch")) {
                d.setString(1, org);
                d.setString(2, id.value());
                try (ResultSet r = d.executeQuery()) {
                    while (r.next()) {
                        changes.add(ChangeLog.Entry.branch(id, BranchId.of(r.getString(1)), Optional.empty()));
                    }
                }
            }
            delete(c, "lakemirror_sensor_states", id);
            delete(c, "lakemirror_sent_commits", id);
            for (String table : List.of("lakemirror_mirror_statuses", "lakemirror_source_statuses")) {
                if (delete(c, table, id) > 0) {
                    changes.add(ChangeLog.Entry.mirror(id));
                }
            }
            Optional<MirrorSpec> spec;
            try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_mirror_specs"
                    + " WHERE organization = ? AND mirror_id = ? RETURNING spec::text")) {
                d.setString(1, org);
                d.setString(2, id.value());
                try (ResultSet r = d.executeQuery()) {
                    spec = r.next() ? Optional.of(StoreJson.spec(r.getString(1), "spec of mirror " + id)) : Optional.empty();
                }
            }
            if (spec.isPresent()) {
                try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_name_claims"
                        + " WHERE organization = ? AND region = ? AND name = ? AND mirror_id = ?")) {
                    d.setString(1, org);
                    d.setString(2, spec.get().destinationRegion().value());
                    d.setString(3, spec.get().name().value());
                    d.setString(4, id.value());
                    d.executeUpdate();
                }
                changes.add(ChangeLog.Entry.mirror(id));
            }
            log(c, changes);
            return changes.size();
        });
        LOG.debug("Deleted mirror {}: {} logged change(s)", id, removed);
    }

    private int delete(Connection c, String table, MirrorId id) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE organization = ? AND mirror_id = ?")) {
            d.setString(1, org);
            d.setString(2, id.value());
            return d.executeUpdate();
        }
    }

    // --- source side

    @Override
    public boolean acquireSourceLease(MirrorId id, String owner, Instant until, Instant now) {
        String call = "acquireSourceLease(mirror " + id + ", owner " + owner + ")";
        return conditional(call, "lakemirror_source_statuses", "source", id, json -> {
            Optional<SourceStatus> current = json.map(j -> StoreJson.source(j, "source status of mirror " + id));
            if (current.isPresent() && !current.get().leaseOwner().equals(owner) && current.get().leaseUntil().isAfter(now)) {
                LOG.trace("Scan lease of {} stays with {} until {} (asked by {})", id, current.get().leaseOwner(),
                        current.get().leaseUntil(), owner);
                return null;
            }
            return StoreJson.source(current
                    .map(s -> new SourceStatus(id, owner, until, s.lastScanAt(), s.lastError()))
                    .orElseGet(() -> new SourceStatus(id, owner, until, Optional.empty(), Optional.empty())));
        });
    }

    @Override
    public void recordScan(MirrorId id, String owner, Instant at, Optional<String> error) {
        String call = "recordScan(mirror " + id + ", owner " + owner + ")";
        conditional(call, "lakemirror_source_statuses", "source", id, json -> {
            Optional<SourceStatus> current = json.map(j -> StoreJson.source(j, "source status of mirror " + id));
            if (current.isEmpty() || !current.get().leaseOwner().equals(owner)) {
                throw new StaleWriteException("sensor " + owner + " does not hold the scan lease of mirror " + id
                        + current.map(s -> " (" + s.leaseOwner() + " holds it until " + s.leaseUntil() + ")").orElse(" (no lease)")
                        + ": scan result not recorded; acquire the lease again");
            }
            return StoreJson.source(new SourceStatus(id, owner, current.get().leaseUntil(), Optional.of(at), error));
        });
    }

    /**
     * A conditional write of a per-mirror item with a version column: {@code decide} sees the stored
     * document (empty: absent) and returns the new one, or null to write nothing (then false is
     * returned), or throws to refuse.
     */
    private boolean conditional(String call, String table, String column, MirrorId id,
                                java.util.function.Function<Optional<String>, String> decide) {
        for (int attempt = 1; attempt <= MAX_CONDITION_ATTEMPTS; attempt++) {
            Outcome outcome = db.inTransaction(call, c -> {
                Optional<String> json = Optional.empty();
                long version = 0;
                try (PreparedStatement q = c.prepareStatement("SELECT " + column + "::text, version FROM " + table
                        + " WHERE organization = ? AND mirror_id = ?")) {
                    q.setString(1, org);
                    q.setString(2, id.value());
                    try (ResultSet r = q.executeQuery()) {
                        if (r.next()) {
                            json = Optional.of(r.getString(1));
                            version = r.getLong(2);
                        }
                    }
                }
                String next = decide.apply(json);
                if (next == null) {
                    return Outcome.UNCHANGED;
                }
                if (!writeVersioned(c, table, column, "mirror_id = ?", List.of(id.value()), json.isPresent(), version, next)) {
                    return Outcome.CONFLICT;
                }
                log(c, List.of(ChangeLog.Entry.mirror(id)));
                return Outcome.WRITTEN;
            });
            if (outcome != Outcome.CONFLICT) {
                return outcome == Outcome.WRITTEN;
            }
        }
        throw contended(call);
    }

    private enum Outcome { WRITTEN, UNCHANGED, CONFLICT }

    /**
     * Inserts (when {@code exists} is false) or updates the row whose key is {@code keyCondition},
     * if it is still at {@code version}; false when another writer came first.
     */
    private boolean writeVersioned(Connection c, String table, String column, String keyCondition, List<String> keys,
                                   boolean exists, long version, String json) throws SQLException {
        if (!exists) {
            StringBuilder columns = new StringBuilder("organization");
            StringBuilder marks = new StringBuilder("?");
            for (String part : keyCondition.split(" AND ")) {
                columns.append(", ").append(part.replace(" = ?", ""));
                marks.append(", ?");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (" + columns + ", " + column
                    + ", version) VALUES (" + marks + ", ?::jsonb, 1) ON CONFLICT DO NOTHING")) {
                insert.setString(1, org);
                int i = 2;
                for (String key : keys) {
                    insert.setString(i++, key);
                }
                insert.setString(i, json);
                return insert.executeUpdate() == 1;
            }
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET " + column + " = ?::jsonb,"
                + " version = version + 1 WHERE organization = ? AND " + keyCondition + " AND version = ?")) {
            update.setString(1, json);
            update.setString(2, org);
            int i = 3;
            for (String key : keys) {
                update.setString(i++, key);
            }
            update.setLong(i, version);
            return update.executeUpdate() == 1;
        }
    }

    private RetryableException contended(String call) {
        return new RetryableException("PostgreSQL " + db.describe() + ": " + call + " lost its condition "
                + MAX_CONDITION_ATTEMPTS + " times in a row to concurrent writers" + PostgresErrors.RETRIED);
    }

    @Override
    public Optional<SensorBranchState> getSensorBranchState(MirrorId id, BranchId branch) {
        return db.inTransaction("getSensorBranchState(" + id + "/" + branch + ")", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT state::text FROM lakemirror_sensor_states"
                    + " WHERE organization = ? AND mirror_id = ? AND branch = ?")) {
                q.setString(1, org);
                q.setString(2, id.value());
                q.setString(3, branch.value());
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? Optional.of(StoreJson.sensorState(r.getString(1), "sensor state of " + id + "/" + branch))
                            : Optional.<SensorBranchState>empty();
                }
            }
        });
    }

    @Override
    public List<SensorBranchState> listSensorBranchStates(MirrorId id) {
        return db.inTransaction("listSensorBranchStates(" + id + ")", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT branch, state::text FROM lakemirror_sensor_states"
                    + " WHERE organization = ? AND mirror_id = ? ORDER BY branch")) {
                q.setString(1, org);
                q.setString(2, id.value());
                List<SensorBranchState> states = new ArrayList<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        states.add(StoreJson.sensorState(r.getString(2), "sensor state of " + id + "/" + r.getString(1)));
                    }
                }
                return states;
            }
        });
    }

    @Override
    public void putSensorBranchState(SensorBranchState state, long expectedSequence) {
        String call = "putSensorBranchState(" + state.mirrorId() + "/" + state.branch() + ", sequence " + state.sequence() + ")";
        String where = "sensor state of " + state.mirrorId() + "/" + state.branch();
        db.inTransaction(call, c -> {
            int written;
            if (expectedSequence == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_sensor_states (organization,"
                        + " mirror_id, branch, sequence, state) VALUES (?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")) {
                    insert.setString(1, org);
                    insert.setString(2, state.mirrorId().value());
                    insert.setString(3, state.branch().value());
                    insert.setLong(4, state.sequence());
                    insert.setString(5, StoreJson.sensorState(state));
                    written = insert.executeUpdate();
                }
            } else {
                try (PreparedStatement update = c.prepareStatement("UPDATE lakemirror_sensor_states SET sequence = ?,"
                        + " state = ?::jsonb WHERE organization = ? AND mirror_id = ? AND branch = ? AND sequence = ?")) {
                    update.setLong(1, state.sequence());
                    update.setString(2, StoreJson.sensorState(state));
                    update.setString(3, org);
                    update.setString(4, state.mirrorId().value());
                    update.setString(5, state.branch().value());
                    update.setLong(6, expectedSequence);
                    written = update.executeUpdate();
                }
            }
            if (written == 1) {
                return null;
            }
            Optional<SensorBranchState> current;
            try (PreparedStatement q = c.prepareStatement("SELECT state::text FROM lakemirror_sensor_states"
                    + " WHERE organization = ? AND mirror_id = ? AND branch = ?")) {
                q.setString(1, org);
                q.setString(2, state.mirrorId().value());
                q.setString(3, state.branch().value());
                try (ResultSet r = q.executeQuery()) {
                    current = r.next() ? Optional.of(StoreJson.sensorState(r.getString(1), where)) : Optional.empty();
                }
            }
            if (current.isPresent() && current.get().equals(state)) {
                LOG.trace("Sensor state {}/{} at sequence {} is stored already (idempotent retry)", state.mirrorId(),
                        state.branch(), state.sequence());
                return null;
            }
            throw new StaleWriteException(where + " is at sequence " + current.map(SensorBranchState::sequence).orElse(0L)
                    + ", expected " + expectedSequence + ": another sensor wrote first; re-read it and decide again");
        });
    }

    @Override
    public Set<CommitId> findSentCommits(MirrorId id, Collection<CommitId> commits) {
        if (commits.isEmpty()) {
            return Set.of();
        }
        String[] ids = commits.stream().map(CommitId::value).distinct().toArray(String[]::new);
        return db.inTransaction("findSentCommits(mirror " + id + ", " + ids.length + " commits)", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT commit_id FROM lakemirror_sent_commits"
                    + " WHERE organization = ? AND mirror_id = ? AND commit_id = ANY (?)")) {
                q.setString(1, org);
                q.setString(2, id.value());
                q.setArray(3, c.createArrayOf("text", ids));
                Set<CommitId> found = new HashSet<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        found.add(CommitId.of(r.getString(1)));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public void recordSentCommits(MirrorId id, Collection<CommitId> commits) {
        if (commits.isEmpty()) {
            return;
        }
        String[] ids = new LinkedHashSet<>(commits).stream().map(CommitId::value).toArray(String[]::new);
        db.inTransaction("recordSentCommits(mirror " + id + ", " + ids.length + " commits)", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_sent_commits (organization, mirror_id,"
                    + " commit_id) SELECT ?, ?, unnest(?::text[]) ON CONFLICT DO NOTHING")) {
                insert.setString(1, org);
                insert.setString(2, id.value());
                insert.setArray(3, c.createArrayOf("text", ids));
                insert.executeUpdate();
            }
            return null;
        });
    }

    // --- branch state

    @Override
    public Optional<BranchState> getBranchState(MirrorId id, BranchId branch) {
        return db.inTransaction("getBranchState(" + id + "/" + branch + ")", c -> readBranch(c, id, branch).map(Versioned::state));
    }

    @Override
    public List<BranchState> listBranchStates(MirrorId id) {
        return db.inTransaction("listBranchStates(" + id + ")", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT branch, state::text FROM lakemirror_branch_states"
                    + " WHERE organization = ? AND mirror_id = ? ORDER BY branch")) {
                q.setString(1, org);
                q.setString(2, id.value());
                List<BranchState> states = new ArrayList<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        states.add(StoreJson.branchState(r.getString(2), "branch state of " + id + "/" + r.getString(1)));
                    }
                }
                return states;
            }
        });
    }

    private record Versioned(BranchState state, long version) {
    }

    private Optional<Versioned> readBranch(Connection c, MirrorId id, BranchId branch) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT state::text, version FROM lakemirror_branch_states"
                + " WHERE organization = ? AND mirror_id = ? AND branch = ?")) {
            q.setString(1, org);
            q.setString(2, id.value());
            q.setString(3, branch.value());
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(new Versioned(StoreJson.branchState(r.getString(1),
                        "branch state of " + id + "/" + branch), r.getLong(2))) : Optional.empty();
            }
        }
    }

    /**
     * A conditional write of one branch state: {@code decide} sees the stored state (empty when
     * absent) and returns the new one, or null to write nothing (false is returned), or throws
     * {@link StaleWriteException} to refuse. A concurrent write in between makes it decide again.
     */
    private boolean updateBranch(String call, MirrorId id, BranchId branch, UnaryOperator<BranchState> decide) {
        for (int attempt = 1; attempt <= MAX_CONDITION_ATTEMPTS; attempt++) {
            Outcome outcome = db.inTransaction(call, c -> {
                Optional<Versioned> current = readBranch(c, id, branch);
                BranchState next = decide.apply(current.map(Versioned::state).orElse(BranchState.empty(id, branch)));
                if (next == null) {
                    return Outcome.UNCHANGED;
                }
                if (!writeVersioned(c, "lakemirror_branch_states", "state", "mirror_id = ? AND branch = ?",
                        List.of(id.value(), branch.value()), current.isPresent(), current.map(Versioned::version).orElse(0L),
                        StoreJson.branchState(next))) {
                    return Outcome.CONFLICT;
                }
                log(c, List.of(ChangeLog.Entry.branch(id, branch, Optional.of(next))));
                return Outcome.WRITTEN;
            });
            if (outcome != Outcome.CONFLICT) {
                return outcome == Outcome.WRITTEN;
            }
            LOG.trace("{}: the branch state changed while deciding (attempt {}); deciding again", call, attempt);
        }
        throw contended(call);
    }

    @Override
    public void recordValidated(MirrorId id, BranchId branch, BranchState.Validated validated) {
        updateBranch("recordValidated(" + id + "/" + branch + ", sequence " + validated.sequence() + ")", id, branch, s -> {
            if (s.validatedSequence() >= validated.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is validated at sequence " + s.validatedSequence()
                        + ", not older sequence " + validated.sequence() + ": not recorded; a newer sequence won");
            }
            Optional<BranchState.Waiting> waiting = s.waiting().filter(w -> w.sequence() > validated.sequence());
            return new BranchState(id, branch, Optional.of(validated), waiting, Optional.empty(), s.promoted(),
                    s.promotion(), s.promoterError());
        });
    }

    @Override
    public void recordWaiting(MirrorId id, BranchId branch, BranchState.Waiting waiting) {
        updateBranch("recordWaiting(" + id + "/" + branch + ", sequence " + waiting.sequence() + ")", id, branch, s -> {
            if (s.validatedSequence() >= waiting.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is validated at sequence " + s.validatedSequence()
                        + ": sequence " + waiting.sequence() + " no longer waits; not recorded");
            }
            if (s.waiting().filter(w -> w.sequence() > waiting.sequence()).isPresent()) {
                throw new StaleWriteException(id + "/" + branch + " has newer sequence " + s.waiting().get().sequence()
                        + " waiting: sequence " + waiting.sequence() + " is not recorded");
            }
            return new BranchState(id, branch, s.validated(), Optional.of(waiting), s.validatorError(), s.promoted(),
                    s.promotion(), s.promoterError());
        });
    }

    @Override
    public void recordValidatorError(MirrorId id, BranchId branch, BranchState.ErrorInfo error) {
        updateBranch("recordValidatorError(" + id + "/" + branch + ")", id, branch, s -> new BranchState(id, branch,
                s.validated(), s.waiting(), Optional.of(error), s.promoted(), s.promotion(), s.promoterError()));
    }

    @Override
    public boolean claimPromotion(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                          Optional<BranchState.PromotionLease> lapsed) {
        String call = "claimPromotion(" + id + "/" + branch + ", sequence " + lease.sequence() + ", owner " + lease.owner() + ")";
        return updateBranch(call, id, branch, s -> {
            // No clock decides: only the claimant's own lease or exactly the one it watched lapse ("Fenced promotions").
            boolean free = s.promotion().map(p -> p.owner().equals(lease.owner()) || lapsed.equals(Optional.of(p)))
                    .orElse(true);
            if (!free || s.validatedSequence() < lease.sequence() || s.promotedSequence() >= lease.sequence()) {
                LOG.trace("Promotion of {}/{} sequence {} not claimed by {} (validated {}, promoted {}, lease {})", id, branch,
                        lease.sequence(), lease.owner(), s.validatedSequence(), s.promotedSequence(),
                        s.promotion().map(p -> p.owner() + " until " + p.until()).orElse("free"));
                return null;
            }
            return new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                    Optional.of(lease), s.promoterError());
        });
    }

    @Override
    public void recordPromoted(MirrorId id, BranchId branch, BranchState.Promoted promoted, String owner) {
        String call = "recordPromoted(" + id + "/" + branch + ", sequence " + promoted.sequence() + ", owner " + owner + ")";
        updateBranch(call, id, branch, s -> {
            if (s.promotion().map(p -> !p.owner().equals(owner)).orElse(true)) {
                throw new StaleWriteException(owner + " no longer holds the promotion lease of " + id + "/" + branch
                        + s.promotion().map(p -> " (" + p.owner() + " holds it until " + p.until() + ")").orElse(" (it is free)")
                        + ": sequence " + promoted.sequence() + " not recorded; claim it again");
            }
            if (s.promotedSequence() >= promoted.sequence()) {
                throw new StaleWriteException(id + "/" + branch + " is promoted at sequence " + s.promotedSequence()
                        + " already: sequence " + promoted.sequence() + " not recorded");
            }
            return new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), Optional.of(promoted),
                    Optional.empty(), Optional.empty());
        });
    }

    // The next three carry no @Override so that this adapter compiles against the port before and after
    // they were added to it (PromotedStateWriter, BranchRepairWriter).

    /** See {@code PromotedStateWriter#claimRepair}: a lease on the promoted sequence, for the anti-entropy pass. */
    public boolean claimRepair(MirrorId id, BranchId branch, BranchState.PromotionLease lease,
                          Optional<BranchState.PromotionLease> lapsed) {
        String call = "claimRepair(" + id + "/" + branch + ", sequence " + lease.sequence() + ", owner " + lease.owner() + ")";
        return updateBranch(call, id, branch, s -> {
            // No clock decides: only the claimant's own lease or exactly the one it watched lapse ("Fenced promotions").
            boolean free = s.promotion().map(p -> p.owner().equals(lease.owner()) || lapsed.equals(Optional.of(p)))
                    .orElse(true);
            if (!free || s.promoted().isEmpty() || s.promotedSequence() != lease.sequence()) {
                return null;
            }
            return new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                    Optional.of(lease), s.promoterError());
        });
    }

    /** See {@code PromotedStateWriter#releasePromotion}: lets go of {@code owner}'s lease, writing nothing else. */
    public void releasePromotion(MirrorId id, BranchId branch, String owner) {
        updateBranch("releasePromotion(" + id + "/" + branch + ", owner " + owner + ")", id, branch, s -> {
            if (s.promotion().map(p -> !p.owner().equals(owner)).orElse(true)) {
                return null;
            }
            return new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                    Optional.empty(), s.promoterError());
        });
    }

    /** See {@code BranchRepairWriter#resetBranchState}: the operator's repair, conditional on the sequences as read. */
    public boolean resetBranchState(BranchState expected, BranchState replacement, Instant now) {
        MirrorId id = replacement.mirrorId();
        BranchId branch = replacement.branch();
        return updateBranch("resetBranchState(" + id + "/" + branch + ")", id, branch, s -> {
            boolean leaseHeld = s.promotion().map(p -> p.until().isAfter(now)).orElse(false);
            boolean asRead = s.validated().map(BranchState.Validated::sequence)
                    .equals(expected.validated().map(BranchState.Validated::sequence))
                    && s.promoted().map(BranchState.Promoted::sequence).equals(expected.promoted().map(BranchState.Promoted::sequence));
            return leaseHeld || !asRead ? null : replacement;
        });
    }

    @Override
    public void recordPromoterError(MirrorId id, BranchId branch, BranchState.ErrorInfo error, String owner) {
        updateBranch("recordPromoterError(" + id + "/" + branch + ", owner " + owner + ")", id, branch, s ->
                new BranchState(id, branch, s.validated(), s.waiting(), s.validatorError(), s.promoted(),
                        s.promotion().filter(p -> !p.owner().equals(owner)), Optional.of(error)));
    }
}
