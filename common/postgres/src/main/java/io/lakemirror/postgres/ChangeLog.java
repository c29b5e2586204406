package io.lakemirror.postgres;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import io.lakemirror.store.BranchState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/**
 * Appends to the change log inside the transaction of a state change (docs/architecture.md §4):
 * the change becomes visible exactly when the state does. The organization's counter row is updated
 * last, so concurrent writers take sequence numbers in commit order and without gaps; a consumer
 * that reads {@code seq > checkpoint} in order can never step over a row that commits later. On
 * PostgreSQL the transaction also sends a NOTIFY on {@value #CHANNEL} (delivered at commit), which
 * only wakes consumers up: their ordered poll is what they trust.
 */
final class ChangeLog {
    /** The LISTEN/NOTIFY channel; the payload is the organization. */
    static final String CHANNEL = "lakemirror_changes";
    static final String MIRROR = "MIRROR";
    static final String BRANCH = "BRANCH";

    /** One change to log: a mirror item, or a branch state with its new image (empty: removed). */
    record Entry(String kind, MirrorId mirror, Optional<BranchId> branch, Optional<BranchState> state) {
        static Entry mirror(MirrorId id) {
            return new Entry(MIRROR, id, Optional.empty(), Optional.empty());
        }

        static Entry branch(MirrorId id, BranchId branch, Optional<BranchState> state) {
            return new Entry(BRANCH, id, Optional.of(branch), state);
        }
    }

    private ChangeLog() {
    }

    /** Logs {@code entries} in order; call it as the last statement of the transaction. */
    static void append(Connection c, OrganizationId organization, boolean notify, List<Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        long last = reserve(c, organization, entries.size());
        long seq = last - entries.size() + 1;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_changes (organization, seq, kind,"
                + " mirror_id, branch, state) VALUES (?, ?, ?, ?, ?, ?::jsonb)")) {
            for (Entry e : entries) {
                insert.setString(1, organization.value());
                insert.setLong(2, seq++);
                insert.setString(3, e.kind());
                insert.setString(4, e.mirror().value());
                if (e.branch().isPresent()) {
                    insert.setString(5, e.branch().get().value());
                } else {
                    insert.setNull(5, Types.VARCHAR);
                }
                if (e.state().isPresent()) {
                    insert.setString(6, StoreJson.branchState(e.state().get()));
                } else {
                    insert.setNull(6, Types.VARCHAR);
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (notify) {
            try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                n.setString(1, CHANNEL);
                n.setString(2, organization.value());
                n.execute();
            }
        }
    }

    private static long reserve(Connection c, OrganizationId organization, int count) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement update = c.prepareStatement("UPDATE lakemirror_change_counters SET last_seq = last_seq + ?"
                    + " WHERE organization = ? RETURNING last_seq")) {
                update.setLong(1, count);
                update.setString(2, organization.value());
                try (ResultSet r = update.executeQuery()) {
                    if (r.next()) {
                        return r.getLong(1);
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO lakemirror_change_counters (organization, last_seq)"
                    + " VALUES (?, 0) ON CONFLICT (organization) DO NOTHING")) {
                insert.setString(1, organization.value());
                insert.executeUpdate();
            }
        }
        throw new SQLException("the change counter of organization " + organization + " cannot be created", "55000");
    }
}
