package io.lakemirror.audit;

import io.lakemirror.domain.CommitId;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The report as an operator reads it on a terminal: one line per ref, then every violation, then the verdict. */
public final class AuditReportText {
    private AuditReportText() {
    }

    public static String render(AuditReport report) {
        StringBuilder out = new StringBuilder();
        var spec = report.spec();
        out.append("audit of mirror ").append(spec.id()).append(" (").append(spec.sourceRepository()).append('@')
                .append(spec.sourceRegion()).append(" -> ").append(spec.name()).append('@').append(spec.destinationRegion())
                .append(", ").append(spec.storageNamespace()).append(")").append(report.strict() ? ", strict" : "")
                .append('\n');
        int width = report.refs().stream().mapToInt(r -> r.name().length()).max().orElse(4);
        for (RefReport r : report.refs()) {
            out.append(String.format(Locale.ROOT, "  %-6s %-" + width + "s  %-13s mirror %s  source %s  files %d%s%s%n",
                    r.kind().name().toLowerCase(Locale.ROOT), r.name(), r.state().name().toLowerCase(Locale.ROOT),
                    shortId(r.mirrorHead()), shortId(r.sourceHead()), r.metadataFiles(),
                    report.strict() ? "  data " + r.dataObjects() : "",
                    r.notes().isEmpty() ? "" : "  (" + String.join("; ", r.notes()) + ")"));
        }
        report.notes().forEach(n -> out.append("  note: ").append(n).append('\n'));
        if (!report.findings().isEmpty()) {
            out.append("violations (").append(report.counts().findings()).append("):\n");
            report.findings().forEach(f -> out.append("  ").append(f).append('\n'));
            if (report.counts().findings() > report.findings().size()) {
                out.append("  ... and ").append(report.counts().findings() - report.findings().size())
                        .append(" more not listed\n");
            }
        }
        AuditReport.Counts c = report.counts();
        String checked = c.branches() + " branches, " + c.tags() + " tags, " + c.commitsVerified() + " commits, "
                + c.metadataFiles() + " metadata files" + (report.strict() ? ", " + c.dataObjects() + " data objects"
                + (c.dataObjectsSkipped() > 0 ? " (" + c.dataObjectsSkipped() + " outside the namespace not checked)" : "")
                : "");
        String seconds = String.format(Locale.ROOT, "%.1f s", report.duration().toMillis() / 1000.0);
        switch (report.outcome()) {
            case CLEAN -> out.append("result: clean; checked ").append(checked).append(" in ").append(seconds).append('\n');
            case VIOLATIONS -> out.append("result: ").append(c.findings()).append(" violation(s) of ")
                    .append(report.violatedInvariants().stream().map(Enum::name).collect(Collectors.joining(", ")))
                    .append("; checked ").append(checked).append(" in ").append(seconds)
                    .append(report.error().map(e -> "; the audit did not finish: " + e).orElse("")).append('\n');
            case INCOMPLETE -> out.append("result: incomplete, no violation in what was checked: ")
                    .append(report.error().orElse("unknown")).append("; checked ").append(checked).append(" in ")
                    .append(seconds).append('\n');
        }
        return out.toString();
    }

    private static String shortId(Optional<CommitId> id) {
        return id.map(c -> c.value().substring(0, Math.min(12, c.value().length()))).orElse("-");
    }
}
