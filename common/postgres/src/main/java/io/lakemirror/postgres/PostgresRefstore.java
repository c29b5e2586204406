package io.lakemirror.postgres;

import io.lakemirror.domain.CommitId;
import io.lakemirror.domain.CommitRecord;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.domain.StorageNamespace;
import io.lakemirror.store.Refstore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The refstore on PostgreSQL: commit records per mirror with their {@code promoted} flag, and the
 * presence cache per namespace. Writes are idempotent inserts ({@code ON CONFLICT DO NOTHING}), so
 * storing a record again never clears its flag; whole batches go in one statement (arrays).
 */
public final class PostgresRefstore implements Refstore {
    private final PostgresDatabase db;
    private final String org;

    public PostgresRefstore(PostgresDatabase db, OrganizationId organization) {
        this.db = Objects.requireNonNull(db, "db");
        this.org = Objects.requireNonNull(organization, "organization").value();
    }

    @Override
    public void putCommits(MirrorId mirror, Collection<CommitRecord> commits) {
        if (commits.isEmpty()) {
            return;
        }
        Map<CommitId, CommitRecord> distinct = new LinkedHashMap<>();
        commits.forEach(c -> distinct.putIfAbsent(c.id(), c));
        String[] ids = distinct.keySet().stream().map(CommitId::value).toArray(String[]::new);
        String[] records = distinct.values().stream().map(StoreJson::commit).toArray(String[]::new);
        db.inTransaction("putCommits(mirror " + mirror + ", " + ids.length + " commits)", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_commits (organization, mirror_id,"
                    + " commit_id, record) SELECT ?, ?, id, record::jsonb FROM unnest(?::text[], ?::text[]) AS t(id, record)"
                    + " ON CONFLICT DO NOTHING")) {
                insert.setString(1, org);
                insert.setString(2, mirror.value());
                insert.setArray(3, c.createArrayOf("text", ids));
                insert.setArray(4, c.createArrayOf("text", records));
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<CommitId, StoredCommit> getCommits(MirrorId mirror, Collection<CommitId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        String[] wanted = new LinkedHashSet<>(ids).stream().map(CommitId::value).toArray(String[]::new);
        return db.inTransaction("getCommits(mirror " + mirror + ", " + wanted.length + " commits)", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT commit_id, record::text, promoted FROM lakemirror_commits"
                    + " WHERE organization = ? AND mirror_id = ? AND commit_id = ANY (?)")) {
                q.setString(1, org);
                q.setString(2, mirror.value());
                q.setArray(3, c.createArrayOf("text", wanted));
                Map<CommitId, StoredCommit> found = new HashMap<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        CommitRecord record = StoreJson.commit(r.getString(2), "commit record " + r.getString(1) + " of mirror " + mirror);
                        found.put(record.id(), new StoredCommit(record, r.getBoolean(3)));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public void markPromoted(MirrorId mirror, Collection<CommitId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        String[] marked = new LinkedHashSet<>(ids).stream().map(CommitId::value).toArray(String[]::new);
        db.inTransaction("markPromoted(mirror " + mirror + ", " + marked.length + " commits)", c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE lakemirror_commits SET promoted = true"
                    + " WHERE organization = ? AND mirror_id = ? AND commit_id = ANY (?) AND NOT promoted")) {
                u.setString(1, org);
                u.setString(2, mirror.value());
                u.setArray(3, c.createArrayOf("text", marked));
                u.executeUpdate();
            }
            return null;
        });
    }

    /** See {@code Refstore#evictCommits} (no @Override: compiles against the port before and after it was added). */
    public void evictCommits(MirrorId mirror, Collection<CommitId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        String[] evicted = new LinkedHashSet<>(ids).stream().map(CommitId::value).toArray(String[]::new);
        db.inTransaction("evictCommits(mirror " + mirror + ", " + evicted.length + " commits)", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_commits"
                    + " WHERE organization = ? AND mirror_id = ? AND commit_id = ANY (?)")) {
                d.setString(1, org);
                d.setString(2, mirror.value());
                d.setArray(3, c.createArrayOf("text", evicted));
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteMirror(MirrorId mirror) {
        db.inTransaction("deleteMirror(mirror " + mirror + ") in the refstore", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_commits WHERE organization = ? AND mirror_id = ?")) {
                d.setString(1, org);
                d.setString(2, mirror.value());
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Set<String> knownPresent(StorageNamespace namespace, Collection<String> fileIds) {
        if (fileIds.isEmpty()) {
            return Set.of();
        }
        String[] wanted = new LinkedHashSet<>(fileIds).toArray(String[]::new);
        return db.inTransaction("knownPresent(" + namespace + ", " + wanted.length + " files)", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT file_id FROM lakemirror_present_files"
                    + " WHERE organization = ? AND namespace = ? AND file_id = ANY (?)")) {
                q.setString(1, org);
                q.setString(2, namespace.value());
                q.setArray(3, c.createArrayOf("text", wanted));
                Set<String> found = new HashSet<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        found.add(r.getString(1));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public Map<String, Instant> checkedPresent(StorageNamespace namespace, Collection<String> fileIds) {
        if (fileIds.isEmpty()) {
            return Map.of();
        }
        String[] wanted = new LinkedHashSet<>(fileIds).toArray(String[]::new);
        return db.inTransaction("checkedPresent(" + namespace + ", " + wanted.length + " files)", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT file_id, checked_at FROM lakemirror_present_files"
                    + " WHERE organization = ? AND namespace = ? AND file_id = ANY (?)")) {
                q.setString(1, org);
                q.setString(2, namespace.value());
                q.setArray(3, c.createArrayOf("text", wanted));
                Map<String, Instant> found = new HashMap<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        found.put(r.getString(1), r.getTimestamp(2).toInstant());
                    }
                }
                return found;
            }
        });
    }

    @Override
    public void forgetPresent(StorageNamespace namespace, Collection<String> fileIds) {
        if (fileIds.isEmpty()) {
            return;
        }
        String[] forgotten = new LinkedHashSet<>(fileIds).toArray(String[]::new);
        db.inTransaction("forgetPresent(" + namespace + ", " + forgotten.length + " files)", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM lakemirror_present_files"
                    + " WHERE organization = ? AND namespace = ? AND file_id = ANY (?)")) {
                d.setString(1, org);
                d.setString(2, namespace.value());
                d.setArray(3, c.createArrayOf("text", forgotten));
                d.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void recordPresent(StorageNamespace namespace, Collection<String> fileIds, Instant checkedAt) {
        if (fileIds.isEmpty()) {
            return;
        }
        String[] files = new LinkedHashSet<>(fileIds).toArray(String[]::new);
        db.inTransaction("recordPresent(" + namespace + ", " + files.length + " files)", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_present_files (organization, namespace,"
                    + " file_id, checked_at) SELECT ?, ?, unnest(?::text[]), ?"
                    + " ON CONFLICT (organization, namespace, file_id) DO UPDATE SET checked_at = EXCLUDED.checked_at")) {
                insert.setString(1, org);
                insert.setString(2, namespace.value());
                insert.setArray(3, c.createArrayOf("text", files));
                insert.setTimestamp(4, Timestamp.from(checkedAt));
                insert.executeUpdate();
            }
            return null;
        });
    }
}
