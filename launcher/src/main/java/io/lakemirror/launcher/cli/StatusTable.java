package io.lakemirror.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text tables of {@code bin/replication mirrors}: columns padded to their widest cell. */
public final class StatusTable {
    private StatusTable() {
    }

    /** One line per mirror (list). */
    public static String mirrors(List<JsonNode> mirrors) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "NAME", "SOURCE", "REGION", "STATUS", "NAMESPACE"});
        for (JsonNode m : mirrors) {
            rows.add(new String[] {m.path("id").asText(), m.path("name").asText(), source(m), m.path("region").asText(),
                m.path("status").asText(), m.path("storage_namespace").asText()});
        }
        return render(rows);
    }

    /**
     * One line per mirror branch (status): lag, commits behind, missing files and what needs attention. A mirror
     * without branch states has one line with {@code -}.
     */
    public static String status(List<JsonNode> mirrors) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MIRROR", "SOURCE", "REGION", "STATUS", "BRANCH", "SYNC", "LAG", "BEHIND", "MISSING",
            "MIRROR HEAD", "NOTE"});
        for (JsonNode m : mirrors) {
            String note = m.path("status_message").asText("");
            if (!m.path("source_error").isNull() && !m.path("source_error").asText("").isEmpty()) {
                note = "source: " + m.path("source_error").asText();
            }
            if (m.path("branches").isEmpty()) {
                rows.add(new String[] {m.path("name").asText(), source(m), m.path("region").asText(),
                    m.path("status").asText(), "-", "-", "-", "-", "-", "-", note});
            }
            for (JsonNode b : m.path("branches")) {
                String branchNote = b.path("stalled").asBoolean(false) ? "STALLED: " + b.path("stall_reason").asText("")
                        : !b.path("last_error").isNull() && !b.path("last_error").asText("").isEmpty()
                        ? "error: " + b.path("last_error").asText() : b.path("missing_files").isEmpty() ? note
                        : "waiting for " + b.path("missing_files").get(0).asText()
                        + (b.path("missing_files").size() > 1 ? " (+" + (b.path("missing_files").size() - 1) + ")" : "");
                rows.add(new String[] {m.path("name").asText(), source(m), m.path("region").asText(),
                    m.path("status").asText(), b.path("id").asText(), b.path("in_sync").asBoolean(false) ? "yes" : "no",
                    duration(b.path("lag_seconds").asLong(0)), Long.toString(b.path("commits_behind").asLong(0)),
                    Integer.toString(b.path("missing_files").size()), shortId(b.path("mirror_head")), branchNote});
            }
            // A source tag waits like a branch head: for the files of its commit.
            for (JsonNode t : m.path("tags_waiting")) {
                JsonNode missing = t.path("missing_files");
                rows.add(new String[] {m.path("name").asText(), source(m), m.path("region").asText(),
                    m.path("status").asText(), "tag " + t.path("id").asText(), "no", "-", "-",
                    Long.toString(t.path("missing_count").asLong(0)), "-", missing.isEmpty() ? "tag waiting for files"
                        : "tag waiting for " + missing.get(0).asText()
                        + (t.path("missing_count").asLong(0) > 1 ? " (+" + (t.path("missing_count").asLong(0) - 1) + ")" : "")});
            }
        }
        return render(rows);
    }

    /** Whether a mirror failed or a branch stalled: what {@code status} signals with its exit status. */
    public static boolean needsAttention(List<JsonNode> mirrors) {
        for (JsonNode m : mirrors) {
            if ("FAILED".equals(m.path("status").asText())) {
                return true;
            }
            for (JsonNode b : m.path("branches")) {
                if (b.path("stalled").asBoolean(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code 0s}, {@code 45s}, {@code 3m12s}, {@code 2h05m}. */
    public static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    private static String source(JsonNode m) {
        return m.path("source_repository").asText() + "@" + m.path("source_region").asText();
    }

    private static String shortId(JsonNode id) {
        return id.isNull() || id.isMissingNode() ? "-" : id.asText().substring(0, Math.min(12, id.asText().length()));
    }

    private static String render(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
